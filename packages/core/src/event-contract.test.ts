import { describe, expect, it } from 'vitest';
import { isSecurityEvent, MAX_EVENT_TIME, securityEventProblem } from './event-contract.js';
import type { SecurityEvent } from './security-event.js';

const EVENT: SecurityEvent = {
  key: 'wb-1',
  source: 'workbench',
  type: 'workbench-alert',
  time: 1_670_218_005_000,
  raw: { id: 'WB-1', list: [1, 'two', null, true] },
  record: {
    vendor: 'Trend Micro',
    product: 'Vision One',
    version: '1.0',
    signatureId: '900001',
    name: 'Workbench Alert',
    severity: 7,
    extensions: [
      ['rt', { epochMs: 1_670_218_005_000, ticks: 0, form: 'cef-date-seconds' }],
      ['cn1', 3],
      ['msg', ''],
      ['TrendMicroV1CompanyID', 'c0ffee'],
    ],
    syslog: { facility: 'auth', severity: 4, rfc5424: 'mdi' },
  },
};

const withRecord = (patch: Record<string, unknown>): unknown => ({ ...EVENT, record: { ...EVENT.record, ...patch } });
const cyclic: Record<string, unknown> = {};
cyclic['self'] = cyclic;

describe('securityEventProblem', () => {
  it('accepts an event that keeps the contract, at its edges too', () => {
    expect(securityEventProblem(EVENT)).toBeUndefined();
    expect(isSecurityEvent({ ...EVENT, time: 0 })).toBe(true);
    expect(isSecurityEvent({ ...EVENT, time: MAX_EVENT_TIME })).toBe(true);
    expect(isSecurityEvent(withRecord({ severity: 0, extensions: [], syslog: undefined }))).toBe(true);
    expect(isSecurityEvent(withRecord({ severity: 10, extensions: [['start', { epochMs: 0, ticks: 9_999, form: 'iso8601-ticks' }]] }))).toBe(true);
  });

  it.each([
    ['a CEF severity of 11', withRecord({ severity: 11 }), 'record.severity is 11'],
    ['a CEF severity of 3.5', withRecord({ severity: 3.5 }), 'record.severity is 3.5'],
    ['a CEF severity that is text', withRecord({ severity: 'High' }), 'record.severity is "High"'],
    ['a header field that is a number', withRecord({ product: 42 }), 'record.product is a number'],
    ['a missing name', withRecord({ name: undefined }), 'record.name is a undefined'],
    ['an extension key with a space', withRecord({ extensions: [['bad key', 'v']] }), 'has the key "bad key"'],
    ['an empty extension key', withRecord({ extensions: [['', 'v']] }), 'has the key ""'],
    ['a repeated extension key', withRecord({ extensions: [['msg', 'a'], ['msg', 'b']] }), 'repeats the key msg'],
    ['NaN in an extension', withRecord({ extensions: [['cn1', Number.NaN]] }), '(cn1) is NaN'],
    ['null in an extension', withRecord({ extensions: [['cn1', null]] }), '(cn1) is a null'],
    ['text in a time key', withRecord({ extensions: [['rt', 'Dec 05 2022 05:26:45']] }), '(rt) is not a CefTimestamp'],
    ['a time as text', withRecord({ extensions: [['rt', { epochMs: '1670218005000', ticks: 0, form: 'iso8601' }]] }), 'has epochMs 1670218005000'],
    ['a time beyond year 9999', withRecord({ extensions: [['rt', { epochMs: 1e17, ticks: 0, form: 'cef-date' }]] }), 'has epochMs'],
    ['a fraction of a millisecond', withRecord({ extensions: [['rt', { epochMs: 0.5, ticks: 0, form: 'iso8601' }]] }), 'has epochMs 0.5'],
    ['10000 ticks', withRecord({ extensions: [['rt', { epochMs: 0, ticks: 10_000, form: 'iso8601-ticks' }]] }), 'has ticks 10000'],
    ['an unknown time form', withRecord({ extensions: [['rt', { epochMs: 0, ticks: 0, form: 'yyyy' }]] }), 'has form "yyyy"'],
    ['an object that is no time', withRecord({ extensions: [['cs1', { text: 'x' }]] }), '(cs1) has epochMs undefined'],
    ['an unknown facility', withRecord({ syslog: { facility: 'kernel' } }), 'facility "kernel"'],
    ['a syslog severity of 8', withRecord({ syslog: { severity: 8 } }), 'severity 8'],
    ['an event time of NaN', { ...EVENT, time: Number.NaN }, 'time is NaN'],
    ['an event time as text', { ...EVENT, time: '2022-12-05T05:26:45Z' }, 'time is 2022-12-05T05:26:45Z'],
    ['an event time beyond year 9999', { ...EVENT, time: 8.64e15 }, 'time is 8640000000000000'],
    ['a key that is a number', { ...EVENT, key: 7 }, 'key is not'],
    ['a raw event with a cycle', { ...EVENT, raw: cyclic }, 'raw.self is a cycle'],
    ['a raw event with a BigInt', { ...EVENT, raw: { n: 1n } }, 'raw.n is a bigint'],
    ['a raw event that is undefined', { ...EVENT, raw: undefined }, 'raw is a undefined'],
    // Whatever else the event carries is journaled too, and must read back as it was under any encoding (issue #18).
    ['a Date in raw', { ...EVENT, raw: { at: new Date(0) } }, 'raw.at is a Date, not a plain JSON object'],
    ['a Map beside the record', { ...EVENT, extra: new Map() }, 'extra is a Map'],
    ['NaN beside the record', { ...EVENT, score: Number.NaN }, 'score is NaN'],
    ['a function in the record', withRecord({ toJSON: () => 'x' }), 'record.toJSON is a function'],
    ['a BigInt in the syslog profile', withRecord({ syslog: { weight: 1n } }), 'record.syslog.weight is a bigint'],
    ['undefined in a list of the record', withRecord({ tags: ['a', undefined] }), 'record.tags.1 is a undefined'],
    ['a cycle in the record', withRecord({ self: cyclic }), 'record.self.self is a cycle'],
    // The extensions are checked pair by pair and not walked again: what a time object carries besides is.
    ['a BigInt beside a time', withRecord({ extensions: [['msg', 'a'], ['rt', { epochMs: 0, ticks: 0, form: 'iso8601', extra: 1n }]] }), 'record.extensions.1.1.extra is a bigint'],
    ['a time that is a class instance', withRecord({ extensions: [['rt', Object.assign(new (class Moment {})(), { epochMs: 0, ticks: 0, form: 'iso8601' })]] }), 'record.extensions.0.1 is a Moment'],
    ['a record that is a class instance', { ...EVENT, record: Object.assign(new (class Alert {})(), EVENT.record) }, 'record is a Alert, not a plain JSON object'],
    ['an extension key with a non-ASCII letter', withRecord({ extensions: [['cs1é', 'v']] }), 'has the key "cs1é"'],
    ['an extension key with a dash', withRecord({ extensions: [['cs-1', 'v']] }), 'has the key "cs-1"'],
  ])('names what breaks the contract: %s', (_, event, reason) => {
    expect(securityEventProblem(event)).toContain(reason);
  });

  it('accepts an optional field of the record left undefined (JSON leaves it out), and deep raw JSON', () => {
    expect(securityEventProblem(withRecord({ syslog: { facility: 'auth', severity: undefined } }))).toBeUndefined();
    let deep: unknown = 'leaf';
    for (let i = 0; i < 400; i += 1) deep = { next: deep };
    expect(securityEventProblem({ ...EVENT, raw: deep })).toBeUndefined();
    for (let i = 0; i < 200; i += 1) deep = [deep];
    expect(securityEventProblem({ ...EVENT, raw: deep })).toContain('levels deep');
  });

  it('accepts the same raw object twice (a shared subtree is no cycle)', () => {
    const shared = { a: 1 };
    expect(isSecurityEvent({ ...EVENT, raw: { x: shared, y: shared } })).toBe(true);
  });
});
