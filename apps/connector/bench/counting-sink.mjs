// A counting syslog sink in its own process (so it never competes with what is measured on the event loop):
// reads octet-counted frames (RFC 6587 §3.4.1) on 127.0.0.1:<ephemeral>, prints `port <n>`, then `done <ms>`
// once <count> frames arrived, ms measured from the first byte.
import { createServer } from 'node:net';
import { frameCounter } from './octet-frames.mjs';

const expected = Number(process.argv[2]);
let frames = 0;
let first = 0;
const server = createServer((socket) => {
  const counter = frameCounter();
  socket.on('data', (chunk) => {
    if (first === 0) first = performance.now();
    frames += counter.push(chunk);
    if (frames >= expected) {
      process.stdout.write(`done ${Math.round(performance.now() - first)} ${frames}\n`);
      frames = -Infinity;
    }
  });
  socket.on('error', () => undefined);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`port ${server.address().port}\n`));
process.on('SIGTERM', () => process.exit(0));
