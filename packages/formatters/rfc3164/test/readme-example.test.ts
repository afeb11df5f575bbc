import { TREND_ACCOUNT_AUDIT_SAMPLE, TREND_WORKBENCH_ALERT_SAMPLE, formatterMaker, readmeExamples } from '@syslog-connector/testing';
import { describe, expect, it } from 'vitest';
import { Rfc3164Formatter, rfc3164Options } from '../src/index.js';

// The README's examples are checked here, so the documentation cannot drift from the code.
const readme = readmeExamples(new URL('../README.md', import.meta.url));
const makeFormatter = formatterMaker(rfc3164Options, Rfc3164Formatter);
const formatter = (options: Record<string, unknown>) => makeFormatter(options).formatter;

describe('README example', () => {
  it('uses only valid rfc3164 options', () => {
    const options = readme.options('rfc3164');
    expect(options).toEqual({ timeZone: 'UTC', maxLength: 1024 });
    expect(rfc3164Options.safeParse(options).success).toBe(true);
  });

  it('shows the lines the formatter writes for the Workbench alert and, as JSON, the audit log', () => {
    expect(formatter({}).format(TREND_WORKBENCH_ALERT_SAMPLE)).toBe(readme.lineStarting('<11>Dec  5 05:26:45 sensor-01 CEF:0|'));
    expect(formatter({ body: 'json' }).format(TREND_ACCOUNT_AUDIT_SAMPLE)).toBe(readme.lineStarting('<13>Sep 23 17:18:42 sensor-01 syslogconnector: '));
  });
});
