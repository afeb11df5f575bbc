import { useState } from 'preact/hooks';
import type { CheckStep, TestConnectionResponse } from '../../api.js';
import { ApiFailure, type ApiClient } from '../api-client.js';
import { CheckSteps, stepName } from './check-steps.js';
import { Notice, type NoticeState } from './notice.js';

/**
 * Test Connection for a saved source: the daemon signs in and reads one page of the vendor's API with the source
 * as the config file has it (what `syslog-connector test-connection -s <id>` does), each step with its fix.
 */
export const SourceCheck = ({ api, sourceId, label }: { readonly api: ApiClient; readonly sourceId: string | undefined; readonly label: string }) => {
  const [steps, setSteps] = useState<readonly CheckStep[]>();
  const [notice, setNotice] = useState<NoticeState>();
  const [busy, setBusy] = useState(false);
  if (sourceId === undefined) return <p class="hint">Save first: {label} checks the connection as the config file has it.</p>;
  const run = async () => {
    if (busy) return;
    setBusy(true);
    setNotice(undefined);
    setSteps(undefined);
    try {
      const result = await api.post<TestConnectionResponse>('/api/test-connection', { source: sourceId });
      setSteps(result.steps);
      const failed = result.steps.find((s) => !s.ok);
      setNotice(
        result.ok
          ? { kind: 'ok', text: result.steps.length === 0 && result.detail !== undefined ? `${label}: ${result.detail}` : `${label} passed: the saved settings reach the API.` }
          : { kind: 'error', text: `${label} failed${failed === undefined ? '' : ` at ${stepName(failed.step)}`}: the cause and the fix are in the steps below.` },
      );
    } catch (error) {
      const hint = error instanceof ApiFailure ? error.body.hint : undefined;
      setNotice({ kind: 'error', text: (error as Error).message, ...(hint === undefined ? {} : { hint }) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <div class="actions">
        <button type="button" onClick={() => void run()} aria-disabled={busy ? 'true' : undefined}>
          {label}
        </button>
      </div>
      <Notice notice={notice} />
      {steps === undefined ? null : <CheckSteps steps={steps} label={`${label} steps`} />}
    </>
  );
};
