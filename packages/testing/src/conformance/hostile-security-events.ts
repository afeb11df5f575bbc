import type { SecurityEvent } from '@syslog-connector/core';
import { HOSTILE_STRING_NAMES, HOSTILE_STRINGS } from '@syslog-connector/simulators';
import { TREND_WORKBENCH_ALERT_SAMPLE } from './sample-events.js';

/**
 * One event per entry of `HOSTILE_STRINGS`, with that string in every text field a formatter writes: the event
 * key, source and type, all five CEF header fields, string extensions of every length class (`externalId` 40,
 * `msg` 1023, `cs1` 4000, a vendor-custom key without limit) and the raw JSON.
 * A formatter must turn each into exactly one message without a raw CR, LF or NUL (DESIGN §4, RFC 6587 §3.4.2).
 */
export const hostileSecurityEvents = (): SecurityEvent[] =>
  HOSTILE_STRING_NAMES.map((name, n) => {
    const text = HOSTILE_STRINGS[name];
    return {
      key: `hostile-${name}-${text}`,
      source: `source ${text}`,
      type: `type ${text}`,
      time: TREND_WORKBENCH_ALERT_SAMPLE.time + n * 86_400_123,
      raw: { name, text, nested: { list: [text, n, null, true] }, [text]: text },
      record: {
        vendor: text,
        product: `Product ${text}`,
        version: text,
        signatureId: text,
        name: `Name ${text}`,
        severity: 5,
        extensions: [
          ['externalId', text],
          ['msg', text],
          ['cs1Label', text],
          ['cs1', text],
          ['cs2', text],
          ['start', { epochMs: TREND_WORKBENCH_ALERT_SAMPLE.time, ticks: n % 10_000, form: 'iso8601-ticks' }],
          ['TrendMicroV1CompanyID', text],
          ['cn1', n],
        ],
      },
    };
  });
