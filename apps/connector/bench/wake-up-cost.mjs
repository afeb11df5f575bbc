// What a lone request costs against a request of a group (issue #20, POLL_TICK_MS): the same 33 `node:http` GETs a
// second to a loopback server in another process (an empty Vision One list page after 5 ms), sent one at a time
// every 30 ms or eight at a time every 240 ms, alternately; prints this process's CPU (user + system) per request.
//
//   node bench/wake-up-cost.mjs [--seconds 10] [--group 8] [--rounds 2]
import { fork } from 'node:child_process';
import { Agent, createServer, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

if (process.argv[2] === '--serve') {
  const body = JSON.stringify({ totalCount: 0, count: 0, items: [] });
  const server = createServer((req, res) => {
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body), 5);
  });
  server.listen(0, '127.0.0.1', () => process.send?.(server.address().port));
} else {
  const { values: args } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, group: { type: 'string', default: '8' }, rounds: { type: 'string', default: '2' } } });
  const server = fork(fileURLToPath(import.meta.url), ['--serve']);
  const port = await new Promise((resolve) => server.once('message', resolve));
  const url = `http://127.0.0.1:${port}/v3.0/workbench/alerts?startDateTime=2026-01-01T00%3A00%3A00Z&top=200`;
  const agent = new Agent({ keepAlive: true });
  const get = () =>
    new Promise((resolve, reject) => {
      request(url, { agent, headers: { authorization: 'Bearer bench-key', accept: 'application/json' } }, async (res) => {
        const chunks = [];
        for await (const chunk of res) chunks.push(chunk);
        resolve(JSON.parse(Buffer.concat(chunks).toString()));
      })
        .once('error', reject)
        .end();
    });
  const PER_SECOND = 33;
  const run = async (group) => {
    const count = PER_SECOND * Number(args.seconds);
    const before = process.cpuUsage();
    const answers = [];
    for (let i = 0; i < count; i += group) {
      for (let j = 0; j < group; j += 1) answers.push(get());
      await new Promise((resolve) => setTimeout(resolve, (1_000 * group) / PER_SECOND));
    }
    await Promise.all(answers);
    const used = process.cpuUsage(before);
    return (used.user + used.system) / count;
  };
  try {
    for (let round = 0; round < Number(args.rounds); round += 1) {
      for (const group of [1, Number(args.group)]) {
        process.stdout.write(`${group === 1 ? 'one at a time' : `${group} at a time`}: ${(await run(group)).toFixed(0)} µs of CPU per request\n`);
      }
    }
  } finally {
    server.kill();
  }
}
