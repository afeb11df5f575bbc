import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CefFormatter, cefOptions } from '../src/index.js';
import { RecordingMetrics, TREND_WORKBENCH_ALERT_SAMPLE as workbenchAlert } from '@syslog-connector/testing';

// The README's example is checked here, so the documentation cannot drift from the code.
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README example', () => {
  it('uses only valid cef options', () => {
    const yaml = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const block = /\n {4}cef:\n((?: {6}.*\n)+)/.exec(yaml)?.[1] ?? '';
    const options = Object.fromEntries(
      block
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => line.replace(/#.*$/, '').trim().split(/:\s*/) as [string, string]),
    );
    expect(options).toEqual({ prefix: 'rfc3164', facility: 'user', timeFormat: 'cef-date' });
    expect(cefOptions.safeParse(options).success).toBe(true);
  });

  it('shows the line the formatter writes for the Workbench alert', () => {
    const shown = readme.split('\n').find((line) => line.startsWith('<11>Dec  5 05:26:45 sensor-01 CEF:0|'));
    const formatter = new CefFormatter(cefOptions.parse({}), {
      host: { instance: 'sensor-01.example.com', hostname: 'unused' },
      metrics: new RecordingMetrics(),
    });
    expect(formatter.format(workbenchAlert)).toBe(shown);
  });
});
