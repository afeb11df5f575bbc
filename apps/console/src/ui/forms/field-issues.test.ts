import { describe, expect, it } from 'vitest';
import { issuesAt, issuesByField } from './field-issues.js';

describe('field issues', () => {
  const issues = issuesByField([
    { path: 'destinations.syslog-1.port', field: 'servers[1].port', message: 'must be 1–65535' },
    { path: 'destinations.syslog-1.address', field: 'servers[1].address', message: 'required' },
    { path: 'destinations.syslog-10.address', field: 'servers[10].address', message: 'other' },
    { path: 'sources', field: '', message: 'at least one source' },
  ]);

  it('finds the messages of one field, and of every field of one server', () => {
    expect(issuesAt(issues, 'servers[1].port')).toEqual(['must be 1–65535']);
    expect(issuesAt(issues, 'servers[1]', { under: true })).toEqual(['must be 1–65535', 'required']);
    expect(issuesAt(issues, '')).toEqual(['at least one source']);
  });
});
