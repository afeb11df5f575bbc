// Idle cost (issue #18): CPU and memory of the real daemon (`syslog-connector run`) at a steady 10 events/s, beside
// rsyslog doing the same job (10 messages/s in over TCP, forwarded from a Disk action queue), both over the same
// time on the same machine.
//
//   node bench/idle-cost.mjs [seconds=600] [engine=log]     (run `pnpm build` first: it starts dist/)
//
// The connector polls the Vision One simulator (workbench alerts, pollInterval 1s), journals them (journal.engine),
// formats CEF and sends over TCP; rsyslog gets the same CEF lines, pre-formatted, from this script. Each sink counts
// what arrived. CPU is read from /proc/<pid>/stat (user + system), memory from /proc/<pid>/status (VmRSS now, VmHWM
// peak), each after a 30 s warm-up (start-up is not idle cost). Prints a Markdown table and one JSON line.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VisionOneSimulator } from '@syslog-connector/simulators';
import { frameCounter } from './octet-frames.mjs';

const seconds = Number(process.argv[2] ?? 600);
const engine = process.argv[3] ?? 'log';
const RATE = 10;
const WARM_UP_MS = Number(process.env.IDLE_WARM_UP_MS ?? 30_000);
const CLI = fileURLToPath(new URL('../bin/syslog-connector.js', import.meta.url));
const loadAtStart = loadavg();
const dir = mkdtempSync(join(tmpdir(), 'idle-cost-'));
const children = [];

/** An octet-counted TCP sink on loopback that counts frames. */
const sink = () =>
  new Promise((resolve) => {
    const counter = { frames: 0, port: 0, server: undefined };
    counter.server = createServer((socket) => {
      const frames = frameCounter();
      socket.on('data', (chunk) => {
        counter.frames += frames.push(chunk);
      });
      socket.on('error', () => undefined);
    });
    counter.server.listen(0, '127.0.0.1', () => {
      counter.port = counter.server.address().port;
      resolve(counter);
    });
  });

const ticks = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks (100 per second on Linux)
};
const memory = (pid) => {
  const status = readFileSync(`/proc/${pid}/status`, 'latin1');
  const kib = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssMb: kib('VmRSS') / 1024, peakMb: kib('VmHWM') / 1024 };
};

const simulator = await VisionOneSimulator.start({ seed: 18 });
const connectorSink = await sink();
const rsyslogSink = await sink();

// The daemon, as a user runs it.
const config = join(dir, 'connector.yaml');
writeFileSync(
  config,
  JSON.stringify({
    instance: 'idle-cost',
    stateDir: join(dir, 'state'),
    logLevel: 'warn',
    journal: { engine },
    sources: { workbench: { type: 'vision-one-workbench', baseUrl: simulator.baseUrl, token: simulator.token, companyId: '3f9c2a61-5b7e-4d0a-9c1e-8a2b6d4f0e17', since: '1m', pollInterval: '1s' } },
    destinations: { siem: { protocol: 'tcp', address: '127.0.0.1', port: connectorSink.port, format: 'cef' } },
  }),
);
const connector = spawn(process.execPath, [CLI, 'run', '-c', config], { stdio: ['ignore', 'ignore', 'inherit'] });
children.push(connector);

// rsyslog: imtcp → omfwd with a Disk action queue (checkpoint every 1,000), as in the end-to-end benchmark.
const inPort = 20_000 + Math.floor(Math.random() * 20_000);
writeFileSync(
  join(dir, 'rsyslog.conf'),
  [
    `global(workDirectory="${dir}" maxMessageSize="64k")`,
    'module(load="imtcp" maxSessions="10")',
    `input(type="imtcp" address="127.0.0.1" port="${inPort}" ruleset="fwd")`,
    'template(name="raw" type="string" string="%rawmsg%")',
    'ruleset(name="fwd") {',
    `  action(type="omfwd" target="127.0.0.1" port="${rsyslogSink.port}" protocol="tcp" TCP_Framing="octet-counted" template="raw" queue.type="Disk" queue.filename="fwdq" queue.checkpointInterval="1000")`,
    '}',
    '',
  ].join('\n'),
);
const rsyslog = spawn('rsyslogd', ['-n', '-f', join(dir, 'rsyslog.conf'), '-i', join(dir, 'rsyslog.pid')], { stdio: 'ignore' });
children.push(rsyslog);

const stopAll = () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
};
process.on('SIGINT', () => {
  stopAll();
  process.exit(130);
});

let socket;
for (let attempt = 0; socket === undefined; attempt += 1) {
  try {
    socket = await new Promise((resolve, reject) => {
      const s = connect(inPort, '127.0.0.1', () => resolve(s));
      s.once('error', reject);
    });
  } catch (error) {
    if (attempt > 100) throw error;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// 10 new alerts a second at the simulator, and 10 CEF lines a second to rsyslog (a line shaped like the connector's).
let sent = 0;
const line = (n) =>
  `<116>1 ${new Date().toISOString()} idle-cost syslog-connector - workbench-alert - CEF:0|Trend Micro|Vision One|3.0|100101|Possible credential dumping via LSASS|7|externalId=WB-${n} src=10.20.30.40 dhost=workstation-0042.corp.example.com suser=CORP\\\\alice msg=A process accessed the memory of lsass.exe with rights that allow reading credentials.`;
const feed = setInterval(() => {
  const now = Date.now();
  simulator.addWorkbenchAlerts(1, { from: now, to: now });
  const message = Buffer.from(line(sent));
  socket.write(`${message.length} `);
  socket.write(message);
  sent += 1;
}, 1_000 / RATE);

await new Promise((resolve) => setTimeout(resolve, WARM_UP_MS));
const start = { at: performance.now(), connector: ticks(connector.pid), rsyslog: ticks(rsyslog.pid), connectorFrames: connectorSink.frames, rsyslogFrames: rsyslogSink.frames };
const samples = { connector: [], rsyslog: [] };
const sampler = setInterval(() => {
  samples.connector.push(memory(connector.pid).rssMb);
  samples.rsyslog.push(memory(rsyslog.pid).rssMb);
}, 10_000);
await new Promise((resolve) => setTimeout(resolve, seconds * 1_000));
clearInterval(sampler);
const elapsed = (performance.now() - start.at) / 1_000;
const result = {};
for (const [name, child, counter] of [['connector', connector, connectorSink], ['rsyslog', rsyslog, rsyslogSink]]) {
  const cpuSeconds = (ticks(child.pid) - start[name]) / 100;
  const mem = memory(child.pid);
  const rss = samples[name];
  result[name] = {
    cpuPercent: (100 * cpuSeconds) / elapsed,
    cpuMsPerEvent: (1_000 * cpuSeconds) / Math.max(1, counter.frames - start[`${name}Frames`]),
    rssMb: mem.rssMb,
    rssMeanMb: rss.reduce((a, b) => a + b, 0) / Math.max(1, rss.length),
    peakMb: mem.peakMb,
    delivered: counter.frames - start[`${name}Frames`],
  };
}
clearInterval(feed);
socket.end();
stopAll();
await simulator.stop();
connectorSink.server.close();
rsyslogSink.server.close();
await new Promise((resolve) => setTimeout(resolve, 1_000));
rmSync(dir, { recursive: true, force: true });

const f = (n, d = 1) => n.toFixed(d);
console.log(`\nidle cost over ${f(elapsed, 0)} s at ${RATE} events/s (after ${WARM_UP_MS / 1_000} s of warm-up), load average at start ${loadAtStart.map((l) => l.toFixed(2)).join(' ')}\n`);
console.log('| process | CPU (% of one core) | CPU ms per event | RSS at the end | mean RSS | peak RSS (VmHWM) | delivered in the window |');
console.log('|---|---|---|---|---|---|---|');
for (const [name, label] of [['connector', `syslog-connector run (journal.engine: ${engine})`], ['rsyslog', 'rsyslogd 8.2302, imtcp → Disk action queue → omfwd']]) {
  const r = result[name];
  console.log(`| ${label} | ${f(r.cpuPercent, 2)} % | ${f(r.cpuMsPerEvent, 3)} | ${f(r.rssMb)} MB | ${f(r.rssMeanMb)} MB | ${f(r.peakMb)} MB | ${r.delivered} |`);
}
console.log(`\n${JSON.stringify({ seconds: elapsed, engine, loadAtStart, ...result })}`);
