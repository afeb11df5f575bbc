import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConnectorMetrics, METRIC_NAMES } from './connector-metrics.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('ConnectorMetrics', () => {
  it('serves exactly the metrics the README table lists', () => {
    const documented = [...README.matchAll(/^\| `(syslog_connector_[a-z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual([...METRIC_NAMES].sort());
  });

  it('sets counters and gauges from one status and drops what the next status no longer has', async () => {
    const metrics = new ConnectorMetrics();
    const destination = {
      destination: 'siem', delivered: 7, lag: 3, lagMs: 4_000, reconnects: 1, sendErrors: 2, resent: 1, deadLettered: 0, dropped: 0,
      truncated: 0, unconfirmed: 0, lastDeliveryAt: 9_000, lastError: 'refused', lastErrorAt: 9_500,
      certificates: [
        { path: 'destinations.siem.tls.cert', role: 'client' as const, subject: 'CN=c', notAfter: 70_000, fingerprint: 'A', daysLeft: 0, expiresSoon: true },
        { path: 'destinations.siem.tls.ca', role: 'ca' as const, subject: 'CN=ca1', notAfter: 110_000, fingerprint: 'B', daysLeft: 0, expiresSoon: true },
        { path: 'destinations.siem.tls.ca', role: 'ca' as const, subject: 'CN=ca2', notAfter: 40_000, fingerprint: 'C', daysLeft: 0, expiresSoon: true },
      ],
    };
    const status = { at: 10_000, head: 10, journal: undefined, sources: [], destinations: [destination] };
    const first = await metrics.scrape(status, { ready: false });
    expect(first).toContain('syslog_connector_events_delivered_total{destination="siem"} 7');
    expect(first).toContain('syslog_connector_destination_lag_seconds{destination="siem"} 4');
    // Failing since the last delivery (1 s ago), not since it fell behind (4 s ago).
    expect(first).toContain('syslog_connector_destination_failing_seconds{destination="siem"} 1');
    expect(first).toContain('syslog_connector_tls_certificate_expiry_seconds{destination="siem",certificate="client"} 60');
    // The CA that ends first.
    expect(first).toContain('syslog_connector_tls_certificate_expiry_seconds{destination="siem",certificate="ca"} 30');
    expect(first).toContain('syslog_connector_ready 0');
    const second = await metrics.scrape({ ...status, destinations: [{ ...destination, delivered: 9, certificates: [] }] }, { ready: true });
    expect(second).toContain('syslog_connector_events_delivered_total{destination="siem"} 9');
    expect(second).not.toContain('syslog_connector_tls_certificate_expiry_seconds{');
    expect(second).toContain('syslog_connector_ready 1');
  });

  it('adds totals over all sources beside the per-source series: by state, and the oldest last poll', async () => {
    const source = (id: string, extra: object) => ({
      source: id, polls: 1, fetched: 0, stored: 0, duplicates: 0, errors: 0, deadLettered: 0, lastPollAt: 5_000, lastError: undefined, paused: false, ...extra,
    });
    const sources = [
      source('t1', {}),
      source('t2', { lastPollAt: 2_000 }),
      source('t3', { lastError: 'HTTP 401', errors: 3 }),
      source('t4', { paused: true }),
      source('t5', { lastPollAt: undefined }),
    ];
    const text = await new ConnectorMetrics().scrape({ at: 10_000, head: 0, journal: undefined, sources, destinations: [] }, { ready: true });
    expect(text).toContain('syslog_connector_sources{state="polling"} 3');
    expect(text).toContain('syslog_connector_sources{state="failing"} 1');
    expect(text).toContain('syslog_connector_sources{state="paused"} 1');
    expect(text).toContain('syslog_connector_sources_oldest_poll_timestamp_seconds 2');
    expect(text).toContain('syslog_connector_poll_errors_total{source="t3"} 3');
  });
});
