// A counting syslog sink in its own process (so it never competes with what is measured on the event loop):
// reads octet-counted frames (RFC 6587 §3.4.1) on 127.0.0.1:<ephemeral>, prints `port <n>`, then `done <ms>`
// once <count> frames arrived, ms measured from the first byte.
import { createServer } from 'node:net';

const expected = Number(process.argv[2]);
let frames = 0;
let first = 0;
const server = createServer((socket) => {
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    if (first === 0) first = performance.now();
    let buffer = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let at = 0;
    for (;;) {
      const space = buffer.indexOf(0x20, at);
      if (space === -1) break;
      const length = Number(buffer.toString('latin1', at, space));
      if (space + 1 + length > buffer.length) break;
      at = space + 1 + length;
      frames += 1;
    }
    pending = buffer.subarray(at);
    if (frames >= expected) {
      process.stdout.write(`done ${Math.round(performance.now() - first)} ${frames}\n`);
      frames = -Infinity;
    }
  });
  socket.on('error', () => undefined);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`port ${server.address().port}\n`));
process.on('SIGTERM', () => process.exit(0));
