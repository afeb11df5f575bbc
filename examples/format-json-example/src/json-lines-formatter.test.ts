import { describe, expect, it } from 'vitest';
import { configPlace, isPluginDefinition } from '@syslog-connector/core';
import { jsonLinesFormatter } from './json-lines-formatter.js';

describe('jsonLinesFormatter', () => {
  it('is a plugin definition the host can load', () => {
    expect(isPluginDefinition(jsonLinesFormatter)).toBe(true);
    expect(jsonLinesFormatter.kind).toBe('formatter');
    expect(jsonLinesFormatter.type).toBe('example-json');
  });

  it('writes one event as one JSON line, control characters escaped', async () => {
    const formatter = await jsonLinesFormatter.create({
      ...configPlace('destinations', 'siem', process.cwd()),
      options: jsonLinesFormatter.options.parse({}),
      deps: { host: { instance: 'sensor-01', hostname: 'box' } },
      signal: new AbortController().signal,
    });
    const line = formatter.format({
      key: 'WB-1',
      source: 'workbench',
      type: 'workbench-alert',
      time: Date.UTC(2026, 0, 2, 3, 4, 5),
      raw: {},
      record: {
        vendor: 'V',
        product: 'P',
        version: '1',
        signatureId: '1',
        name: 'a\nb',
        severity: 5,
        extensions: [['msg', 'line1\r\nline2']],
      },
    });
    expect(line).toBe(
      '{"host":"sensor-01","key":"WB-1","source":"workbench","type":"workbench-alert","time":"2026-01-02T03:04:05.000Z","name":"a\\nb","severity":5,"fields":{"msg":"line1\\r\\nline2"}}',
    );
  });
});
