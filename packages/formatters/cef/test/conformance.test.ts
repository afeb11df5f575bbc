import { describeFormatterConformance, parseCef, parseSyslogMessage } from '@syslog-connector/testing';
import { expect } from 'vitest';
import { cefFormatter } from '../src/index.js';

describeFormatterConformance(cefFormatter, {
  optionSets: [{}, { prefix: 'rfc5424', timeFormat: 'iso8601' }, { prefix: 'none', timeFormat: 'epoch-ms', facility: 'local4' }],
  invalidOptions: [{ prefix: 'rfc9999' }, { appName: 'two words' }, { timeFormat: 'unix' }],
  // Every message reads back through the test kit's strict syslog and CEF parsers.
  check: (message, event, options) => {
    const cef = options['prefix'] === 'none' ? parseCef(message) : parseSyslogMessage(message).cef;
    expect([...(cef?.vendor ?? '')].length).toBeLessThanOrEqual(63);
    expect(Object.keys(cef?.extensions ?? {})).toEqual(event.record.extensions.map(([key]) => key));
  },
});
