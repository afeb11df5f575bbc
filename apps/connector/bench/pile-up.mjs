// Peak memory while the only destination is down and <count> events pile up in the journal, in a fresh process
// so nothing else inflates the figure. Usage: pile-up.mjs <count> [log|sqlite] [v8 flags]. The V8 flags are set
// the way the daemon sets its own (`DAEMON_V8_FLAGS`, `setFlagsFromString` before any work): the benchmark passes
// the daemon's, so the figure is the shipped daemon's. Prints one JSON line:
// { peakRssMb, seconds, cpuUsPerEvent, journalMb, backlog }.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '@syslog-connector/core';
import { SourceRunner } from '@syslog-connector/core/engine';
import { benchSource, quiet } from './bench-event.mjs';

const total = Number(process.argv[2]);
const engine = process.argv[3] ?? 'log';
const v8Flags = process.argv[4] ?? '';
if (v8Flags.trim() !== '') setFlagsFromString(v8Flags);
// PILE_UP_STORE: another build of store-sqlite (a file URL of its index.js), to compare two builds (journal-ab.mjs).
const { openStore } = await import(process.env.PILE_UP_STORE ?? '@syslog-connector/store-sqlite');
const source = benchSource(total);
const dir = mkdtempSync(join(tmpdir(), 'bench-pileup-'));
const journal = await openStore(dir, { engine });
await journal.setConsumers([{ destination: 'down' }]);
const started = performance.now();
const cpu = process.cpuUsage();
await new SourceRunner('bench', source, journal, systemClock, quiet, () => undefined).pollOnce(new AbortController().signal);
const seconds = (performance.now() - started) / 1_000;
const used = process.cpuUsage(cpu);
const usage = await journal.usage();
const backlog = await journal.backlog({ destination: 'down' });
// Every event must be stored: one that breaks the event contract is dead-lettered at the source instead.
if (backlog.events !== total) throw new Error(`pile-up stored ${backlog.events} of ${total} events: see bench-event.mjs`);
await journal.close();
rmSync(dir, { recursive: true, force: true });
// The kernel's high-water mark of this process's memory, in KiB: VmHWM of /proc/self/status. Not
// `process.resourceUsage().maxRSS`: Linux carries getrusage's maxrss over execve, so a process spawned from a large
// one (the benchmark runner) would report its parent's size when that is larger.
const peakKib = () => {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'latin1'));
    if (hwm !== null) return Number(hwm[1]);
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS;
};
process.stdout.write(
  `${JSON.stringify({ peakRssMb: peakKib() / 1024, seconds, cpuUsPerEvent: (used.user + used.system) / total, journalMb: usage.bytes / 1_048_576, backlog: backlog.events })}\n`,
);
