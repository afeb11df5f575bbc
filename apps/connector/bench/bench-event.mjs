// The benchmark's event: ~400 bytes of CEF once formatted, like REAL-PEERS' figures.
export const benchEvent = (n) => ({
  key: `bench-${n}`,
  source: 'bench',
  type: 'workbench-alert',
  time: 1_700_000_000_000 + n,
  raw: { n },
  record: {
    vendor: 'Trend Micro',
    product: 'Vision One',
    version: '3.0',
    signatureId: '100101',
    name: 'Possible credential dumping via LSASS',
    severity: 7,
    extensions: [
      ['externalId', `WB-${n}`],
      // A CEF time key holds a CefTimestamp (the event contract): a plain number would be dead-lettered at the source.
      ['rt', { epochMs: 1_700_000_000_000 + n, ticks: 0, form: 'cef-date-seconds' }],
      ['src', '10.20.30.40'],
      ['dhost', 'workstation-0042.corp.example.com'],
      ['suser', 'CORP\\alice'],
      ['cs1Label', 'workbenchLink'],
      ['cs1', `https://portal.xdr.trendmicro.com/index.html#/workbench/alerts/WB-${n}`],
      ['msg', 'A process accessed the memory of lsass.exe with rights that allow reading credentials.'],
    ],
  },
});

/** A logger that drops everything. */
export const quiet = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

/** A source yielding `total` bench events in batches of 1,000, resuming from its checkpoint; polls back to back. */
export const benchSource = (total) => ({
  pollIntervalMs: 0,
  async *read(from) {
    let next = typeof from?.next === 'number' ? from.next : 0;
    while (next < total) {
      const end = Math.min(total, next + 1_000);
      const events = [];
      for (let n = next; n < end; n += 1) events.push(benchEvent(n));
      next = end;
      yield { events, checkpoint: { next } };
    }
  },
  close: async () => undefined,
});
