import { parseJson, type SecurityEvent } from '@syslog-connector/core';
import { describeFormatterConformance, parseSyslogMessage } from '@syslog-connector/testing';
import { expect } from 'vitest';
import { rfc5424Formatter } from '../src/index.js';

// What the formatter promises for an SD PARAM-VALUE after the receiver unescapes it (README "Escaping").
const sdText = (value: string): string => value.toWellFormed().replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');

/**
 * The standard form must read back through a strict RFC 5424 parser (and its CEF parser for a CEF body); MDI's form
 * — profile mdi, or an MDI event with no profile and a CEF body — has its own shape (FACTS §C.5).
 */
const parseBack = (message: string, event: SecurityEvent, options: Readonly<Record<string, unknown>>): void => {
  const mdiForm = options['body'] !== 'json' && (options['profile'] ?? event.record.syslog?.rfc5424) === 'mdi';
  if (mdiForm) {
    expect(message).toMatch(/^<\d{1,3}>1 \S+ \S+ CEF \d+ \S+ \uFEFF0\|/);
    return;
  }
  const parsed = parseSyslogMessage(message);
  if (parsed.format !== 'rfc5424') throw new Error('not read as RFC 5424');
  expect(parsed.hostname).toBe('sensor-01.example.com');
  expect(parsed.structuredData).toEqual(
    options['structuredData'] === false
      ? []
      : [{ id: 'sc@32473', params: [['key', sdText(event.key)], ['source', sdText(event.source)], ['type', sdText(event.type)]] }],
  );
  if (options['body'] === 'json') expect(parseJson(parsed.msg ?? '')).toEqual(event.raw);
  else expect(parsed.cef?.signatureId).toBe(event.record.signatureId.toWellFormed().replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').slice(0, 1023));
};

describeFormatterConformance(rfc5424Formatter, {
  optionSets: [{}, { body: 'json' }, { bom: true, structuredData: false, cefTimeFormat: 'iso8601' }, { profile: 'mdi', facility: 'auth' }],
  invalidOptions: [{ appName: 'has space' }, { sdId: 'meta' }, { profile: 'mdi', body: 'json' }, { procId: '' }],
  check: parseBack,
});
