import type { FieldIssue } from '../../api.js';

/** Every problem of the last save above the form (each is also shown at its field). */
export const IssueSummary = ({ issues, describe }: { readonly issues: readonly FieldIssue[]; readonly describe: (field: string) => string }) =>
  issues.length === 0 ? null : (
    <div class="issue-summary">
      <h2>What to fix</h2>
      <ul>
        {issues.map((issue, index) => (
          <li key={index}>
            {issue.field === '' ? '' : `${describe(issue.field)}: `}
            {issue.message}
          </li>
        ))}
      </ul>
    </div>
  );
