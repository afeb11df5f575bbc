import { Buffer } from 'node:buffer';
import type { CefExtension, CefRecord } from '@syslog-connector/core';
import { RecordingMetrics, TREND_WORKBENCH_ALERT_SAMPLE as workbenchAlert, WORKBENCH_CEF_HEAD } from '@syslog-connector/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CefRecordEncoder } from './cef-record-encoder.js';
import { encodeCefWithin } from './encode-cef-within.js';

const withExtensions = (...extensions: CefExtension[]): CefRecord => ({ ...workbenchAlert.record, extensions });
const fit = (record: CefRecord, maxBytes: number) => {
  const metrics = new RecordingMetrics();
  const fitted = encodeCefWithin(new CefRecordEncoder(undefined, metrics), record, maxBytes, metrics);
  return { ...fitted, truncations: metrics.snapshot() };
};
const HEAD_BYTES = WORKBENCH_CEF_HEAD.length;

describe('encodeCefWithin', () => {
  it('writes a line that fits unchanged, and counts nothing', () => {
    const record = withExtensions(['externalId', 'WB-1'], ['msg', 'short']);
    expect(fit(record, 1024)).toEqual({ line: `${WORKBENCH_CEF_HEAD}externalId=WB-1 msg=short`, bytes: HEAD_BYTES + 25, cut: false, truncations: [] });
  });

  it('shortens msg to the bytes left for it, between code points, and keeps every other pair whole', () => {
    const record = withExtensions(['externalId', 'WB-1'], ['msg', 'aé😀'.repeat(50)], ['cs1', 'https://portal/x?a=b']);
    const max = HEAD_BYTES + 100;
    const { line, bytes, cut, truncations } = fit(record, max);
    expect(cut).toBe(true);
    expect(bytes).toBe(Buffer.byteLength(line, 'utf8'));
    expect(bytes).toBeLessThanOrEqual(max);
    expect(bytes).toBeGreaterThan(max - 4);
    expect(line).toMatch(/^CEF:0\|.*\|7\|externalId=WB-1 msg=(aé😀)*(a|aé)? cs1=https:\/\/portal\/x\?a\\=b$/u);
    expect(truncations).toEqual([{ name: 'format_truncations', labels: { key: 'msg' }, value: 1 }]);
  });

  it('never ends the shortened msg inside an escape', () => {
    const record = withExtensions(['msg', '=\\'.repeat(100)], ['externalId', 'WB-1']);
    const { line } = fit(record, HEAD_BYTES + 50);
    const value = line.slice(line.indexOf('msg=') + 4, line.indexOf(' externalId='));
    expect(value).toMatch(/^(\\=\\\\)*(\\=)?$/);
  });

  it('leaves msg out, key and all, when none of it fits, and keeps what does', () => {
    const record = withExtensions(['msg', 'm'.repeat(40)], ['externalId', 'WB-1']);
    expect(fit(record, HEAD_BYTES + 17).line).toBe(`${WORKBENCH_CEF_HEAD}externalId=WB-1`);
  });

  it('cuts the end of the line only when the line is too long without msg', () => {
    const record = withExtensions(['externalId', 'WB-1'], ['msg', 'm'], ['cs1', 'x'.repeat(100)]);
    const { line, truncations } = fit(record, HEAD_BYTES + 40);
    expect(line).toBe(`${WORKBENCH_CEF_HEAD}externalId=WB-1 cs1=${'x'.repeat(20)}`);
    expect(truncations).toEqual([{ name: 'format_truncations', labels: { key: 'msg' }, value: 1 }]);
  });

  it('always fits and keeps every pair but msg whole when they fit without it (property)', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'é', '😀', '=', '\\', '\n', ' '), maxLength: 400 });
    fc.assert(
      fc.property(text, text, fc.integer({ min: 0, max: 600 }), (msg, other, extra) => {
        const record = withExtensions(['externalId', 'WB-1'], ['msg', msg], ['cs2', other]);
        const metrics = new RecordingMetrics();
        const encoder = new CefRecordEncoder(undefined, metrics);
        const withoutMsg = encoder.encode(withExtensions(['externalId', 'WB-1'], ['cs2', other]));
        const max = HEAD_BYTES + extra;
        const { line, bytes } = encodeCefWithin(encoder, record, max, metrics);
        expect(bytes).toBe(Buffer.byteLength(line, 'utf8'));
        expect(bytes).toBeLessThanOrEqual(max);
        if (Buffer.byteLength(withoutMsg, 'utf8') <= max) {
          expect(line.startsWith(`${WORKBENCH_CEF_HEAD}externalId=WB-1`)).toBe(true);
          expect(line.endsWith(withoutMsg.slice(withoutMsg.indexOf(' cs2=')))).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
