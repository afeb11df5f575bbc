import { describe, expect, it } from 'vitest';
import { SourceLimitError } from '../source-limits.js';
import { InMemoryJournal } from '../in-memory-journal.js';
import type { Logger } from '../services.js';
import type { Source, SourceBatch } from '../source.js';
import { systemClock } from '../system-clock.js';
import { SourceRunner, type SourceStats } from './source-runner.js';

const errorsLogged: string[] = [];
const logger: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: (_f, m) => errorsLogged.push(m), child: () => logger };

const windowSetAside = (): SourceBatch => ({
  events: [],
  deadLetters: [{ key: 'window:2026-01-01T00:00:00Z/2026-01-01T00:00:01Z', reason: 'window skipped: too large', excerpt: '', time: 0 }],
  checkpoint: { at: 1 },
  pollError: new SourceLimitError('bytesPerResponse', 'one response of 16 MiB, its limit'),
});

/**
 * A source whose poll sets a window aside, then (`then`) goes on until stopped, throws, or ends; `seen` keeps what
 * status would have shown right after the dead letter was stored.
 */
const settingAside = (then: 'hang' | 'throw' | 'end', seen: Array<Pick<SourceStats, 'deadLettered' | 'errors' | 'lastError'>>, runner: () => SourceRunner): Source => ({
  pollIntervalMs: 3_600_000,
  async *read(_from, signal): AsyncIterable<SourceBatch> {
    yield windowSetAside();
    const { deadLettered, errors, lastError } = runner().stats;
    seen.push({ deadLettered, errors, lastError });
    if (then === 'throw') throw new SourceLimitError('bytesPerResponse', 'one response of 16 MiB, its limit; the poll went on in narrower windows');
    if (then === 'hang') await new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
  },
  close: async () => undefined,
});

const start = (then: 'hang' | 'throw' | 'end') => {
  const seen: Array<Pick<SourceStats, 'deadLettered' | 'errors' | 'lastError'>> = [];
  const controller = new AbortController();
  const runner: SourceRunner = new SourceRunner('wb', settingAside(then, seen, () => runner), new InMemoryJournal(), systemClock, logger, () => undefined);
  const run = runner.run(controller.signal);
  return { runner, seen, controller, run };
};

const until = async (done: () => boolean): Promise<void> => {
  for (let i = 0; i < 500 && !done(); i += 1) await new Promise((resolve) => setTimeout(resolve, 2));
};

describe('SourceRunner: the error of a poll that sets a window aside (status, issue #20)', () => {
  it('counts the error with the dead letter, before the poll ends, and keeps it when the daemon stops the poll', async () => {
    const { runner, seen, controller, run } = start('hang');
    await until(() => seen.length > 0);
    expect(seen).toEqual([{ deadLettered: 1, errors: 1, lastError: expect.stringContaining('sources.wb') }]);
    controller.abort(new Error('stopping'));
    await run;
    expect(runner.stats).toMatchObject({ deadLettered: 1, errors: 1, polls: 0 });
    expect(runner.stats.lastError).toContain('one response of 16 MiB');
  });

  it('counts a poll that set a window aside and then ended with its error once, with the last message', async () => {
    const { runner, controller, run } = start('throw');
    errorsLogged.length = 0;
    await until(() => errorsLogged.includes('Source poll failed.'));
    controller.abort(new Error('stopping'));
    await run;
    expect(runner.stats).toMatchObject({ deadLettered: 1, errors: 1 });
    expect(runner.stats.lastError).toContain('the poll went on in narrower windows');
  });

  it('keeps the last error of a poll that met one and still ended; a stop alone counts nothing', async () => {
    const ended = start('end');
    await until(() => ended.runner.stats.polls === 1);
    ended.controller.abort(new Error('stopping'));
    await ended.run;
    expect(ended.runner.stats).toMatchObject({ deadLettered: 1, errors: 1, polls: 1 });
    expect(ended.runner.stats.lastError).toContain('sources.wb');

    const quiet: Source = {
      pollIntervalMs: 3_600_000,
      async *read(_from, signal): AsyncIterable<SourceBatch> {
        await new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
      },
      close: async () => undefined,
    };
    const controller = new AbortController();
    const runner = new SourceRunner('quiet', quiet, new InMemoryJournal(), systemClock, logger, () => undefined);
    const run = runner.run(controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort(new Error('stopping'));
    await run;
    expect(runner.stats).toMatchObject({ errors: 0, polls: 0, lastError: undefined });
  });
});
