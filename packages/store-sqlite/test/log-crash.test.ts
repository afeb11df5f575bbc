import { readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SecurityEvent } from '@syslog-connector/core';
import { RecordingLogger } from '@syslog-connector/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JOURNAL_DIR_NAME, type LogJournal, openStore } from '../src/index.js';
import { securityEvent, temporaryFolder } from './fixtures/security-events.js';
import { distEntry, exitOf, fixtureScript, spawnNode, waitForOutput } from './fixtures/node-child.js';

/**
 * The log engine's crash guarantees (issue #18), with real child processes killed by SIGKILL and with segment files
 * cut or damaged on disk: nothing an `append` returned for is lost, a batch's events and checkpoint survive together
 * or not at all, and a torn or damaged tail is detected, cut and reported.
 */
let folder: ReturnType<typeof temporaryFolder>;
let stateDir: string;
const children: Array<ReturnType<typeof spawnNode>> = [];

beforeEach(() => {
  folder = temporaryFolder();
  stateDir = join(folder.path, 'data');
});

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  folder.remove();
});

const SEGMENT_BYTES = 64 * 1024;
const open = (options: { logger?: RecordingLogger } = {}) => openStore(stateDir, { engine: 'log', segmentBytes: SEGMENT_BYTES, ...options }) as Promise<LogJournal>;

/** Runs the child until it printed `lines` lines matching `pattern`, then kills it with SIGKILL; the last such line. */
const killAfter = async (mode: 'append' | 'deliver', pattern: RegExp, lines: number): Promise<string> => {
  const child = spawnNode(fixtureScript('log-crash-child.mjs'), [mode, distEntry(), stateDir]);
  children.push(child);
  let stdout = '';
  try {
    stdout = await new Promise<string>((resolve, reject) => {
      let text = '';
      const timer = setTimeout(() => reject(new Error(`no ${lines} lines of ${pattern} within 20 s: ${text.slice(-200)}`)), 20_000);
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk;
        const matches = text.split('\n').filter((line) => pattern.test(line));
        if (matches.length >= lines) {
          // Killed at once, while it is in its next call: mid-append, mid-ack or mid-compaction.
          child.kill('SIGKILL');
          clearTimeout(timer);
          resolve(text);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`child exited (${code}) before ${lines} lines: ${text.slice(-300)}`));
      });
    });
  } finally {
    child.kill('SIGKILL');
  }
  expect((await exitOf(child)).signal).toBe('SIGKILL');
  return stdout
    .split('\n')
    .filter((line) => pattern.test(line))
    .at(-1) as string;
};

const keysOf = (entries: readonly { seq: number; event: SecurityEvent }[]) => entries.map((e) => `${e.seq}:${e.event.key}`);
const expectedKeys = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `${from + i + 1}:wb-${from + i}`);

describe('log engine: SIGKILL', () => {
  it('during appends: every batch append returned for is there, events and checkpoint together, across three kills', async () => {
    let cut = 0;
    for (const [round, lines] of [[1, 25], [2, 40], [3, 55]] as const) {
      const last = await killAfter('append', /^stored /, lines);
      const [, next, head] = last.split(' ').map(Number) as [string, number, number];
      const logger = new RecordingLogger();
      const journal = await open({ logger });
      try {
        const checkpoint = (await journal.checkpoint('wb')) as { next: number };
        // Nothing reported stored is lost; a batch written when the kill came may be there too, whole.
        expect(checkpoint.next, `round ${round}`).toBeGreaterThanOrEqual(next);
        expect(await journal.head()).toBeGreaterThanOrEqual(head);
        // Atomic: the checkpoint says exactly how many events are stored (overlaps de-duplicated), none missing.
        expect(await journal.head()).toBe(checkpoint.next);
        expect(keysOf(await journal.read('siem', { limit: 1_000_000 }))).toEqual(expectedKeys(0, checkpoint.next));
        cut += journal.recovery().length;
        expect(logger.records.filter((r) => r.message.startsWith('Journal tail cut')).length).toBe(journal.recovery().length);
      } finally {
        await journal.close();
      }
    }
    // How often the kill landed inside a write depends on timing; either way the checks above held.
    expect(cut).toBeGreaterThanOrEqual(0);
  }, 90_000);

  it('during delivery (reads, acks, compaction deleting segments): nothing after the cursor is lost, checkpoints and keys stay', async () => {
    const writer = await open();
    for (let n = 0; n < 3_000; n += 200) {
      await writer.append('wb', Array.from({ length: 200 }, (_, i) => securityEvent('wb', `wb-${n + i}`)), { next: n + 200 });
    }
    await writer.close();
    const segmentsBefore = readdirSync(join(stateDir, JOURNAL_DIR_NAME)).filter((name) => name.endsWith('.log')).length;
    expect(segmentsBefore).toBeGreaterThan(5);
    for (const lines of [4, 6]) {
      const last = await killAfter('deliver', /^acked /, lines);
      const acked = Number(last.split(' ')[1]);
      const journal = await open();
      try {
        const { cursor } = await journal.progress('siem');
        expect(cursor).toBeGreaterThanOrEqual(acked);
        // Everything after the cursor is still there, in order, up to the head.
        expect(keysOf(await journal.read('siem', { limit: 1_000_000 }))).toEqual(expectedKeys(cursor, 3_000));
        expect(await journal.head()).toBe(3_000);
        expect(await journal.checkpoint('wb')).toEqual({ next: 3_000 });
      } finally {
        await journal.close();
      }
    }
    // Delivered and compacted to the end: the segments are gone, the checkpoint and the keys (de-dup) are not.
    const child = spawnNode(fixtureScript('log-crash-child.mjs'), ['deliver', distEntry(), stateDir]);
    children.push(child);
    await waitForOutput(child, 'delivered all\n', 20_000);
    child.kill('SIGKILL');
    await exitOf(child);
    const journal = await open();
    try {
      expect(readdirSync(join(stateDir, JOURNAL_DIR_NAME)).filter((name) => name.endsWith('.log')).length).toBeLessThan(segmentsBefore);
      expect(await journal.checkpoint('wb')).toEqual({ next: 3_000 });
      expect(await journal.head()).toBe(3_000);
      const overlap = Array.from({ length: 20 }, (_, i) => securityEvent('wb', `wb-${2_990 + i}`));
      expect(await journal.append('wb', overlap, { next: 3_010 })).toEqual({ appended: 10, duplicates: 10 });
      expect(keysOf(await journal.read('siem', { limit: 100 }))).toEqual(expectedKeys(3_000, 3_010));
    } finally {
      await journal.close();
    }
  }, 90_000);
});

describe('log engine: a damaged tail', () => {
  /** Five batches of 100 events (checkpoint { next }), closed; the segment files, oldest first. */
  const fill = async (segmentBytes = SEGMENT_BYTES): Promise<string[]> => {
    const journal = (await openStore(stateDir, { engine: 'log', segmentBytes })) as LogJournal;
    for (let n = 0; n < 500; n += 100) {
      await journal.append('wb', Array.from({ length: 100 }, (_, i) => securityEvent('wb', `wb-${n + i}`, { raw: { n: n + i, pad: 'x'.repeat(300) } })), { next: n + 100 });
    }
    await journal.close();
    const dir = join(stateDir, JOURNAL_DIR_NAME);
    return readdirSync(dir)
      .filter((name) => name.endsWith('.log'))
      .sort()
      .map((name) => join(dir, name))
      .filter((file) => statSync(file).size > 0);
  };

  const expectCutAfter = async (kept: number, reason: string): Promise<void> => {
    const logger = new RecordingLogger();
    const journal = await open({ logger });
    try {
      expect(journal.recovery()).toHaveLength(1);
      expect(journal.recovery()[0]).toMatchObject({ reason, bytes: expect.any(Number) });
      expect(journal.recovery()[0]?.bytes).toBeGreaterThan(0);
      const warning = logger.records.find((r) => r.message.startsWith('Journal tail cut'));
      expect(warning?.level).toBe('warn');
      expect(warning?.fields).toMatchObject({ reason, bytes: journal.recovery()[0]?.bytes });
      // Everything before the damage is intact, the checkpoint is the one stored with the last intact batch.
      expect(await journal.checkpoint('wb')).toEqual({ next: kept });
      expect(keysOf(await journal.read('siem', { limit: 1_000 }))).toEqual(expectedKeys(0, kept));
      // The seqs the cut batch had are never given again (the head was saved at close): the source reads the lost
      // batch again from that checkpoint and it is stored after them.
      expect(await journal.head()).toBe(500);
      const again = Array.from({ length: 100 }, (_, i) => securityEvent('wb', `wb-${kept + i}`));
      expect(await journal.append('wb', again, { next: kept + 100 })).toEqual({ appended: 100, duplicates: 0 });
      expect((await journal.read('siem', { limit: 1_000, after: kept })).map((e) => `${e.seq}:${e.event.key}`)).toEqual(
        Array.from({ length: 100 }, (_, i) => `${501 + i}:wb-${kept + i}`),
      );
    } finally {
      await journal.close();
    }
    // Cut once: the next open finds every record intact.
    const reopened = await open();
    expect(reopened.recovery()).toEqual([]);
    await reopened.close();
  };

  it('a truncated tail (the last record cut short) is cut, logged and reported; nothing before it is lost', async () => {
    const files = await fill();
    const last = files.at(-1) as string;
    truncateSync(last, statSync(last).size - 37);
    await expectCutAfter(400, 'a record cut short');
  });

  it('a corrupted tail (bytes flipped inside the last record) fails its checksum and is cut', async () => {
    const files = await fill();
    const last = files.at(-1) as string;
    const data = readFileSync(last);
    for (const at of [data.length - 500, data.length - 501, data.length - 502]) data[at] = (data[at] as number) ^ 0xff;
    writeFileSync(last, data);
    await expectCutAfter(400, 'a record whose checksum does not match');
  });

  it('a flipped byte in an earlier segment cuts that segment from there; later segments stay readable', async () => {
    // One batch (~50 KB) per segment of 16 KiB: five segments.
    const files = await fill(16 * 1024);
    expect(files).toHaveLength(5);
    const second = files[1] as string;
    const data = readFileSync(second);
    data[data.length - 100] = (data[data.length - 100] as number) ^ 0x01;
    writeFileSync(second, data);
    const logger = new RecordingLogger();
    const journal = await open({ logger });
    try {
      expect(journal.recovery()).toEqual([{ segment: second, offset: 0, bytes: data.length, reason: 'a record whose checksum does not match' }]);
      // Events 101–200 are gone, and said so; the others read as stored, the checkpoint is the newest.
      const keys = keysOf(await journal.read('siem', { limit: 1_000 }));
      expect(keys).toEqual([...expectedKeys(0, 100), ...expectedKeys(200, 500)]);
      expect(await journal.checkpoint('wb')).toEqual({ next: 500 });
      expect(await journal.head()).toBe(500);
    } finally {
      await journal.close();
    }
  });

  it('a checkpoint whose batch was cut is rolled back, even when its copy in SQLite is newer than the cut', async () => {
    await fill();
    const writer = await open();
    await writer.append('oat', [securityEvent('oat', 'o-1'), securityEvent('oat', 'o-2')], { until: 2 });
    await writer.close(); // copies every checkpoint into SQLite, oat's with the place of its only record
    const last = readdirSync(join(stateDir, JOURNAL_DIR_NAME)).filter((n) => n.endsWith('.log')).sort().map((n) => join(stateDir, JOURNAL_DIR_NAME, n)).filter((f) => statSync(f).size > 0).at(-1) as string;
    truncateSync(last, statSync(last).size - 10);
    const logger = new RecordingLogger();
    const journal = await open({ logger });
    try {
      // oat's events were in the cut record: its checkpoint goes with them, so the source reads them again.
      expect(await journal.checkpoint('oat')).toBeUndefined();
      expect(logger.records.some((r) => r.message.startsWith('Journal checkpoint rolled back') && (r.fields as { source?: string }).source === 'oat')).toBe(true);
      expect(await journal.checkpoint('wb')).toEqual({ next: 500 });
      expect((await journal.read('siem', { limit: 1_000, sources: ['oat'] })).length).toBe(0);
    } finally {
      await journal.close();
    }
  });
});
