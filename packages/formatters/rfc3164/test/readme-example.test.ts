import { readFileSync } from 'node:fs';
import { RecordingMetrics, TREND_ACCOUNT_AUDIT_SAMPLE, TREND_WORKBENCH_ALERT_SAMPLE } from '@syslog-connector/testing';
import { describe, expect, it } from 'vitest';
import { Rfc3164Formatter, rfc3164Options } from '../src/index.js';

// The README's examples are checked here, so the documentation cannot drift from the code.
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const lineStarting = (prefix: string): string | undefined => readme.split('\n').find((line) => line.startsWith(prefix));
const formatter = (options: Record<string, unknown>) =>
  new Rfc3164Formatter(rfc3164Options.parse(options), {
    host: { instance: 'sensor-01.example.com', hostname: 'unused' },
    metrics: new RecordingMetrics(),
  });

describe('README example', () => {
  it('uses only valid rfc3164 options', () => {
    const yaml = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const block = /\n {4}rfc3164:\n((?: {6}.*\n)+)/.exec(yaml)?.[1] ?? '';
    const options = Object.fromEntries(
      block
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => {
          const [key, value] = line.replace(/#.*$/, '').trim().split(/:\s*/) as [string, string];
          return [key, /^\d+$/.test(value) ? Number(value) : value];
        }),
    );
    expect(options).toEqual({ facility: 'user', timeZone: 'UTC', maxLength: 1024 });
    expect(rfc3164Options.safeParse(options).success).toBe(true);
  });

  it('shows the lines the formatter writes for the Workbench alert and, as JSON, the audit log', () => {
    expect(formatter({}).format(TREND_WORKBENCH_ALERT_SAMPLE)).toBe(lineStarting('<11>Dec  5 05:26:45 sensor-01 CEF:0|'));
    expect(formatter({ body: 'json' }).format(TREND_ACCOUNT_AUDIT_SAMPLE)).toBe(lineStarting('<13>Sep 23 17:18:42 sensor-01 syslogconnector: '));
  });
});
