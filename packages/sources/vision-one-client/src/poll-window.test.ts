import { describe, expect, it } from 'vitest';
import { planPollWindow } from './poll-window.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const DAY = 86_400_000;
const back = (ms: number) => ({ at: (now: number) => now - ms });

describe('planPollWindow', () => {
  it('starts a first run at since, pinned into the mark, and ends 10 s before now', () => {
    expect(planPollWindow({ mark: undefined, now: NOW, since: back(2 * 3_600_000), maxAgeMs: 365 * DAY })).toEqual({
      mark: '2026-03-01T10:00:00Z',
      start: '2026-03-01T10:00:00Z',
      end: '2026-03-01T11:59:50Z',
      empty: false,
      clampedFrom: undefined,
    });
  });

  it('starts a later run one overlap before the stored mark', () => {
    const window = planPollWindow({ mark: '2026-03-01T11:58:50Z', now: NOW, since: back(DAY), maxAgeMs: 365 * DAY });
    expect([window.mark, window.start, window.end]).toEqual(['2026-03-01T11:58:50Z', '2026-03-01T11:57:50Z', '2026-03-01T11:59:50Z']);
  });

  it('is empty while since lies after now − lag', () => {
    expect(planPollWindow({ mark: undefined, now: NOW, since: back(5_000), maxAgeMs: DAY }).empty).toBe(true);
  });

  it('clamps a start beyond the API reach (audit 180 days) to reach − 1 min, and says where it wanted to start', () => {
    const window = planPollWindow({ mark: undefined, now: NOW, since: back(400 * DAY), maxAgeMs: 180 * DAY });
    expect([window.start, window.end, window.clampedFrom]).toEqual([
      '2025-09-02T12:00:50Z',
      '2026-03-01T11:59:50Z',
      '2025-01-25T12:00:00Z',
    ]);
    expect(Date.parse(window.end) - Date.parse(window.start)).toBe(180 * DAY - 60_000);
  });
});
