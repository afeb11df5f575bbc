import { describeFormatterConformance, leefLineOf, parseLeef } from '@syslog-connector/testing';
import { expect } from 'vitest';
import { leefFormatter } from '../src/index.js';
import { expectedLeefFields } from './expected-leef-fields.js';

const DELIMITERS: Readonly<Record<string, readonly [string, string]>> = { x09: ['\t', 'x09'], '^': ['^', '^'], '0xA6': ['\u00a6', 'xA6'] };

describeFormatterConformance(leefFormatter, {
  optionSets: [{}, { prefix: 'rfc5424', delimiter: '^', facility: 'local4' }, { prefix: 'none', delimiter: '0xA6' }],
  invalidOptions: [{ prefix: 'rfc9999' }, { delimiter: '=' }, { delimiter: '|' }, { delimiter: 'ab' }, { delimiter: ' ' }, { delimiter: 'x0A' }, { appName: 'two words' }],
  // Every message reads back through the test kit's LEEF reader (written from IBM's spec) as the README says.
  check: (message, event, options) => {
    const [delimiter, field] = DELIMITERS[(options['delimiter'] as string | undefined) ?? 'x09'] as readonly [string, string];
    const line = options['prefix'] === 'none' ? message : leefLineOf(message);
    if (options['prefix'] === 'none') expect(message.startsWith('LEEF:2.0|')).toBe(true);
    expect(parseLeef(line)).toEqual(expectedLeefFields(event, delimiter, field));
  },
});
