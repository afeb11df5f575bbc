import { MDI_SECURITY_ALERT_SAMPLE, TREND_WORKBENCH_ALERT_SAMPLE, formatterMaker, readmeExamples } from '@syslog-connector/testing';
import { describe, expect, it } from 'vitest';
import { Rfc5424Formatter, rfc5424Options } from '../src/index.js';

// The README's examples are checked here, so the documentation cannot drift from the code.
const readme = readmeExamples(new URL('../README.md', import.meta.url));
const makeFormatter = formatterMaker(rfc5424Options, Rfc5424Formatter);
const formatter = (options: Record<string, unknown>, instance: string) => makeFormatter(options, instance).formatter;

describe('README example', () => {
  it('uses only valid rfc5424 options', () => {
    const options = readme.options('rfc5424');
    expect(options).toEqual({ body: 'cef', structuredData: true, sdId: 'sc@32473' });
    expect(rfc5424Options.safeParse(options).success).toBe(true);
  });

  it('shows the line the formatter writes for the Workbench alert', () => {
    const shown = readme.lineStarting('<11>1 2022-12-05T05:26:45.000Z sensor-01.example.com ');
    expect(formatter({}, 'sensor-01.example.com').format(TREND_WORKBENCH_ALERT_SAMPLE)).toBe(shown);
  });

  it("shows the line the same options write for the MDI sample, in MDI's form", () => {
    const shown = readme.lineStarting('<36>1 2018-02-21T14:19:27.540000+00:00 CENTER CEF 6076 ')?.replace(' BOM0|', ' \uFEFF0|');
    expect(formatter({ ...readme.options('rfc5424'), procId: '6076' }, 'CENTER').format(MDI_SECURITY_ALERT_SAMPLE)).toBe(shown);
  });
});
