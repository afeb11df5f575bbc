import { describe, expect, it } from 'vitest';
import { priorityOf, syslogSeverityOf } from './syslog-priority.js';

describe('syslogSeverityOf', () => {
  it('maps every CEF severity through the documented table', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(syslogSeverityOf)).toEqual([6, 5, 5, 5, 4, 4, 4, 3, 3, 2, 2]);
  });
});

describe('priorityOf', () => {
  it('is facility × 8 + severity (RFC 5424 §6.2.1)', () => {
    expect(priorityOf('local4', 9)).toBe(20 * 8 + 2);
    expect(priorityOf('user', 3)).toBe(8 + 5);
  });
});
