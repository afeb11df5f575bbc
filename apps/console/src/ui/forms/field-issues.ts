import type { FieldIssue } from '../../api.js';

/** A save's problems by screen field (`servers[0].port`, `dataTypes`, …); `''` holds those of no field. */
export type IssuesByField = ReadonlyMap<string, readonly string[]>;

export const NO_ISSUES: IssuesByField = new Map();

export const issuesByField = (issues: readonly FieldIssue[]): IssuesByField => {
  const map = new Map<string, string[]>();
  for (const issue of issues) {
    const list = map.get(issue.field) ?? [];
    list.push(issue.message);
    map.set(issue.field, list);
  }
  return map;
};

/** The messages of one field, or of every field under a prefix (`servers[1]` → `servers[1].port`, …). */
export const issuesAt = (issues: IssuesByField, field: string, options: { under?: boolean } = {}): string[] => {
  if (options.under !== true) return [...(issues.get(field) ?? [])];
  const out: string[] = [];
  for (const [key, messages] of issues) {
    if (key === field || key.startsWith(`${field}.`)) out.push(...messages);
  }
  return out;
};

/** Merges problems found in the page (before sending) with those of the answer; the page's come first. */
export const mergeIssues = (...lists: readonly (readonly FieldIssue[])[]): IssuesByField => issuesByField(lists.flat());
