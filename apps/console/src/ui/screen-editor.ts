import { useCallback, useEffect, useState } from 'preact/hooks';
import type { FieldIssue, SaveResponse } from '../api.js';
import { ApiFailure, type ApiClient } from './api-client.js';
import type { NoticeState } from './components/notice.js';
import { issuesByField, type IssuesByField } from './forms/field-issues.js';

export interface ScreenEditor<F> {
  readonly form: F | undefined;
  readonly setForm: (update: (form: F) => F) => void;
  readonly loadError: string | undefined;
  readonly issues: IssuesByField;
  /** Every problem of the last save, in order (the summary above the form). */
  readonly issueList: readonly FieldIssue[];
  readonly notice: NoticeState | undefined;
  /** The config file changed on disk since the screen was read: the page offers to read it again. */
  readonly conflict: boolean;
  readonly saving: boolean;
  readonly announce: (notice: NoticeState | undefined) => void;
  readonly reload: () => Promise<void>;
  /** Checks on the page first (nothing is sent if any), then PUT; 400 at the fields, 409 as a conflict. */
  readonly save: (body: unknown, pageIssues: readonly FieldIssue[]) => Promise<boolean>;
}

/**
 * A setup screen over the config file: GET reads it with the file's revision, PUT writes it with that revision
 * (the daemon answers 409 when the file changed on disk meanwhile, and writes nothing).
 */
export const useScreenEditor = <S extends { readonly revision: string }, F>(api: ApiClient, path: string, toForm: (screen: S) => F): ScreenEditor<F> => {
  const [form, setFormState] = useState<F>();
  const [loadError, setLoadError] = useState<string>();
  const [issueList, setIssueList] = useState<readonly FieldIssue[]>([]);
  const [notice, setNotice] = useState<NoticeState>();
  const [conflict, setConflict] = useState(false);
  const [saving, setSaving] = useState(false);

  const reload = useCallback(async () => {
    try {
      const screen = await api.get<S>(path);
      setFormState(toForm(screen));
      setLoadError(undefined);
      setConflict(false);
    } catch (error) {
      setLoadError((error as Error).message);
    }
  }, [api, path, toForm]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const setForm = useCallback((update: (form: F) => F) => setFormState((current) => (current === undefined ? current : update(current))), []);

  const save = async (body: unknown, pageIssues: readonly FieldIssue[]): Promise<boolean> => {
    if (saving) return false;
    setIssueList(pageIssues);
    if (pageIssues.length > 0) {
      setNotice({ kind: 'error', text: `Nothing was saved: ${pageIssues.length === 1 ? 'one field needs' : `${pageIssues.length} fields need`} a change.` });
      return false;
    }
    setSaving(true);
    setNotice(undefined);
    try {
      const answer = await api.put<SaveResponse>(path, body);
      await reload();
      setNotice(
        answer.applied
          ? { kind: 'ok', text: `Saved to the config file; the connector applied it${answer.changed.length === 0 ? ' (nothing had changed).' : ` (${answer.changed.join(', ')}).`}` }
          : { kind: 'error', text: 'Saved to the config file, but the connector did not apply it.', hint: answer.reloadError ?? 'Check the daemon\'s log.' },
      );
      return true;
    } catch (error) {
      if (error instanceof ApiFailure && error.status === 409) {
        setConflict(true);
        setNotice({ kind: 'error', text: 'The config file changed on disk since this screen was read. Nothing was saved.', hint: 'Read the settings again, then make your change and save.' });
      } else if (error instanceof ApiFailure && error.status === 400 && error.issues.length > 0) {
        setIssueList(error.issues);
        setNotice({ kind: 'error', text: `Nothing was saved: ${error.body.error}`, ...(error.body.hint === undefined ? {} : { hint: error.body.hint }) });
      } else {
        const hint = error instanceof ApiFailure ? error.body.hint : undefined;
        setNotice({ kind: 'error', text: `Nothing was saved: ${(error as Error).message}`, ...(hint === undefined ? {} : { hint }) });
      }
      return false;
    } finally {
      setSaving(false);
    }
  };

  return { form, setForm, loadError, issues: issuesByField(issueList), issueList, notice, conflict, saving, announce: setNotice, reload, save };
};
