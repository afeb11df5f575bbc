import { describe, expect, it } from 'vitest';
import { CefFormatter, cefOptions } from '../src/index.js';
import { TREND_WORKBENCH_ALERT_SAMPLE as workbenchAlert, formatterMaker, readmeExamples } from '@syslog-connector/testing';

// The README's example is checked here, so the documentation cannot drift from the code.
const readme = readmeExamples(new URL('../README.md', import.meta.url));
const makeFormatter = formatterMaker(cefOptions, CefFormatter);

describe('README example', () => {
  it('uses only valid cef options', () => {
    const options = readme.options('cef');
    expect(options).toEqual({ prefix: 'rfc3164' });
    expect(cefOptions.safeParse(options).success).toBe(true);
  });

  it('shows the line the formatter writes for the Workbench alert', () => {
    const shown = readme.lineStarting('<11>Dec  5 05:26:45 sensor-01 CEF:0|');
    expect(makeFormatter().formatter.format(workbenchAlert)).toBe(shown);
  });
});
