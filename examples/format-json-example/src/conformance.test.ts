import { describeFormatterConformance } from '@syslog-connector/testing';
import { expect } from 'vitest';
import { jsonLinesFormatter } from './json-lines-formatter.js';

// The suite every formatter runs, as a plugin outside this repository would run it: each message must parse back
// as the JSON object of its event.
describeFormatterConformance(jsonLinesFormatter, {
  optionSets: [{}, { includeRaw: true }],
  invalidOptions: [{ includeRaw: 'yes' }],
  check: (message, event, options) => {
    const parsed = JSON.parse(message) as Record<string, unknown>;
    expect(parsed).toMatchObject({ key: event.key, source: event.source, type: event.type, name: event.record.name, severity: event.record.severity });
    expect(Date.parse(parsed.time as string)).toBe(event.time);
    expect('raw' in parsed).toBe(options.includeRaw === true);
  },
});
