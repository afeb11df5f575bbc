import { Buffer } from 'node:buffer';
import type { SecurityEvent } from '@syslog-connector/core';
import { describeFormatterConformance, parseSyslogMessage } from '@syslog-connector/testing';
import { expect } from 'vitest';
import { rfc3164Formatter } from '../src/index.js';

const HEADER = /^<\d{1,3}>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 123]\d \d\d:\d\d:\d\d sensor-01 /;
const UNLIMITED = 1_048_576;

/**
 * Every message has the RFC 3164 header and fits in maxLength bytes; an uncut one reads back through a strict
 * parser: the CEF line (TAG `CEF`) or the raw event as JSON.
 */
const parseBack = (message: string, event: SecurityEvent, options: Readonly<Record<string, unknown>>): void => {
  expect(message).toMatch(HEADER);
  const maxLength = typeof options['maxLength'] === 'number' ? options['maxLength'] : 1024;
  expect(Buffer.byteLength(message, 'utf8')).toBeLessThanOrEqual(maxLength);
  if (maxLength !== UNLIMITED) return;
  const parsed = parseSyslogMessage(message);
  if (parsed.format !== 'rfc3164') throw new Error('not read as RFC 3164');
  if (options['body'] === 'json') {
    expect(parsed.tag).toBe('syslogconnector');
    expect(JSON.parse(parsed.content)).toEqual(event.raw);
  } else {
    expect(parsed.tag).toBe('CEF');
    expect(parsed.cef?.version).toBe('0');
  }
};

describeFormatterConformance(rfc3164Formatter, {
  optionSets: [
    {},
    { body: 'json' },
    { maxLength: 480, timeZone: 'America/New_York', cefTimeFormat: 'epoch-ms' },
    { maxLength: UNLIMITED },
    { maxLength: UNLIMITED, body: 'json' },
  ],
  invalidOptions: [{ tag: 'has-hyphen' }, { timeZone: 'Nowhere/Special' }, { maxLength: 100 }],
  check: parseBack,
});
