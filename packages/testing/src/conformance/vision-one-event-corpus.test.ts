import { describe, expect, it } from 'vitest';
import { HOSTILE_STRINGS } from '@syslog-connector/simulators';
import { expectedCefFields } from './expected-cef-fields.js';
import { hostileSecurityEvents } from './hostile-security-events.js';
import { TREND_WORKBENCH_ALERT_SAMPLE } from './sample-events.js';
import { visionOneEventCorpus } from './vision-one-event-corpus.js';

describe('visionOneEventCorpus', () => {
  it('is the same for the same options', () => {
    expect(visionOneEventCorpus({ count: 30, seed: 4 })).toEqual(visionOneEventCorpus({ count: 30, seed: 4 }));
  });

  it('mixes 8 OAT detections, 1 Workbench alert and 1 audit log in every 10 events, mapped per FACTS §A.3', () => {
    const events = visionOneEventCorpus({ count: 10, hostileRatio: 0 });
    expect(events.map((event) => event.record.signatureId)).toEqual([
      '900002', '900002', '900002', '900002', '900002', '900002', '900002', '900002', '900001',
      expect.stringMatching(/^90000[34]$/),
    ]);
    const oat = events[0];
    expect(oat?.record.extensions.map(([key]) => key)).toEqual([
      'cat', 'cs1Label', 'cs1', 'cs2Label', 'cs2', 'deviceDirection', 'deviceExternalId', 'deviceFacility',
      'deviceProcessName', 'dst', 'dpt', 'src', 'shost', 'spt', 'dvchost', 'externalId', 'msg', 'request', 'rt',
      'TrendMicroV1CompanyID',
    ]);
    expect(oat?.time).toBe(Date.parse('2026-01-01T00:00:00Z'));
    expect(oat?.raw).toMatchObject({ uuid: oat?.key, detectedDateTime: '2026-01-01T00:00:00Z' });
  });

  it('carries hostile strings in the mapped fields with hostileRatio 1', () => {
    const texts = visionOneEventCorpus({ count: 20, seed: 2, hostileRatio: 1 }).flatMap((event) =>
      event.record.extensions.map(([, value]) => value),
    );
    const hostile = Object.values(HOSTILE_STRINGS);
    expect(texts.some((text) => typeof text === 'string' && hostile.some((h) => text.includes(h)))).toBe(true);
  });
});

describe('hostileSecurityEvents', () => {
  it('puts each hostile string into the key, source, type, header and extensions of one event', () => {
    const events = hostileSecurityEvents();
    expect(events).toHaveLength(Object.keys(HOSTILE_STRINGS).length);
    const crlf = events.find((event) => event.record.vendor === HOSTILE_STRINGS.crlf);
    expect(crlf?.source).toBe(`source ${HOSTILE_STRINGS.crlf}`);
    expect(crlf?.record.extensions.find(([key]) => key === 'msg')?.[1]).toBe(HOSTILE_STRINGS.crlf);
  });
});

describe('expectedCefFields', () => {
  it('gives the Workbench sample as a CEF decoder reads it (FACTS §A.5)', () => {
    expect(expectedCefFields(TREND_WORKBENCH_ALERT_SAMPLE.record)).toEqual({
      version: '0',
      vendor: 'Trend Micro',
      product: 'Trend Vision One',
      deviceVersion: '1.0.0',
      signatureId: '900001',
      name: 'Trend Vision One Workbench Alert',
      severity: '7',
      extensions: {
        externalId: 'WB-9002-20210519-00014',
        cat: 'Possible APT Attack',
        cn1Label: 'Impact Scope Count',
        cn1: '1',
        cs1Label: 'Workbench link',
        cs1: 'https://portal.xdr.trendmicro.com/index.html#/workbench?workbenchId=WB-9002-20210519-00014&ref=0c4a1d',
        msg: 'A possible APT attack was detected on 2 endpoints.',
        rt: 'Dec 05 2022 05:26:45',
        sourceServiceName: 'SAE',
        TrendMicroV1CompanyID: '3f9c2a61-5b7e-4d0a-9c1e-8a2b6d4f0e17',
      },
    });
  });

  it('applies the documented replacements: lengths, controls, lone surrogates, time forms', () => {
    const fields = expectedCefFields(
      {
        ...TREND_WORKBENCH_ALERT_SAMPLE.record,
        name: 'a\r\nb\ud800',
        extensions: [['externalId', 'x'.repeat(41)], ['msg', 'one\r\ntwo\u0000'], ['rt', { epochMs: 0, ticks: 0, form: 'cef-date' }]],
      },
      'iso8601',
    );
    expect(fields.name).toBe('a  b\ufffd');
    expect(fields.extensions).toEqual({ externalId: 'x'.repeat(40), msg: 'one\r\ntwo ', rt: '1970-01-01T00:00:00.000Z' });
  });
});
