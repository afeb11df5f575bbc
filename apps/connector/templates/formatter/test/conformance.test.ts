import { describeFormatterConformance, TREND_WORKBENCH_ALERT_SAMPLE } from '@syslog-connector/testing/plugin-kit';
import { configPlace } from '@syslog-connector/core';
import { expect, it } from 'vitest';
import { __CAMEL__Formatter } from '../src/index.js';

/** Reads a message back: the header fields split on unescaped `|`, each unescaped. */
const readHeader = (message: string): string[] => {
  const fields = [''];
  for (let i = 0; i < message.length; i += 1) {
    const c = message[i] as string;
    if (c === '\\') fields[fields.length - 1] += message[(i += 1)] ?? '';
    else if (c === '|' && fields.length < 7) fields.push('');
    else fields[fields.length - 1] += c;
  }
  return fields;
};

const asWritten = (value: string) => value.toWellFormed().replace(/[\r\n\0]/g, ' ');

// The suite every formatter runs; `check` reads each message back.
describeFormatterConformance(__CAMEL__Formatter, {
  optionSets: [{}, { separator: '\t' }],
  invalidOptions: [{ separator: ',' }],
  check: (message, event) => {
    const [host, vendor, product, signatureId, name, severity] = readHeader(message);
    expect([host, vendor, product, signatureId, name, severity]).toEqual([
      'sensor-01.example.com',
      asWritten(event.record.vendor),
      asWritten(event.record.product),
      asWritten(event.record.signatureId),
      asWritten(event.record.name),
      String(event.record.severity),
    ]);
  },
});

it('writes the header and the fields of an event', async () => {
  const formatter = await __CAMEL__Formatter.create({
    ...configPlace('destinations', 'siem', process.cwd()),
    options: __CAMEL__Formatter.options.parse({}),
    deps: { host: { instance: 'sensor-01', hostname: 'box' } },
    signal: new AbortController().signal,
  });
  const line = formatter.format(TREND_WORKBENCH_ALERT_SAMPLE);
  expect(readHeader(line).slice(0, 6)).toEqual(['sensor-01', 'Trend Micro', 'Trend Vision One', '900001', 'Trend Vision One Workbench Alert', '7']);
  expect(line).toContain(' rt=2022-12-05T05:26:45.000Z');
});
