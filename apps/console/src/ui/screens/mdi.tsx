import { useState } from 'preact/hooks';
import type { MdiScreen, SendTestResponse } from '../../api.js';
import { ApiFailure, type ApiClient } from '../api-client.js';
import { Checkbox, FieldGroup, SecretField, SelectField, TextField } from '../components/fields.js';
import { IssueSummary } from '../components/issue-summary.js';
import { SourceCheck } from '../components/source-check.js';
import { SaveFooter } from '../components/save-footer.js';
import { ScreenLoading } from '../components/screen-parts.js';
import { Notice, type NoticeState } from '../components/notice.js';
import { issuesAt, issuesByField } from '../forms/field-issues.js';
import { checkMdiForm, checkMdiSyslog, MDI_FORMATS, MDI_NOTIFICATIONS, MDI_TRANSPORTS, type MdiForm, mdiFormFromScreen, mdiSaveRequest, mdiSyslog } from '../forms/mdi-form.js';
import { useScreenEditor } from '../screen-editor.js';

const FIELD_NAMES: Readonly<Record<string, string>> = {
  'graph.tenantId': 'Tenant ID',
  'graph.clientId': 'Client ID',
  'graph.clientSecret': 'Client secret',
  'syslog.endpoint': 'Service endpoint',
  'syslog.port': 'Port',
  'syslog.transport': 'Transport',
  'syslog.format': 'Format',
  notifications: 'Syslog notifications',
};

/** The Microsoft Defender for Identity screen, as MDI's Syslog Service: the Graph connection, the syslog service, the notifications. */
export const MdiScreenView = ({ api }: { readonly api: ApiClient }) => {
  const editor = useScreenEditor<MdiScreen, MdiForm>(api, '/api/screens/mdi', mdiFormFromScreen);
  const { form, setForm } = editor;
  const [testNotice, setTestNotice] = useState<NoticeState>();
  const [testLine, setTestLine] = useState<string>();
  const [testIssues, setTestIssues] = useState(issuesByField([]));
  const [testing, setTesting] = useState(false);

  if (form === undefined) {
    return <ScreenLoading title="Microsoft Defender for Identity" error={editor.loadError} />;
  }
  // The last save's problems, and those Send test found in the syslog fields.
  const errorsAt = (field: string) => [...issuesAt(editor.issues, field), ...issuesAt(testIssues, field)];

  const sendTest = async () => {
    if (testing) return;
    const found = checkMdiSyslog(form);
    setTestIssues(issuesByField(found));
    setTestLine(undefined);
    if (found.length > 0) {
      setTestNotice({ kind: 'error', text: 'Fix the syslog service fields marked above, then send again.' });
      return;
    }
    setTesting(true);
    setTestNotice(undefined);
    try {
      const answer = await api.post<SendTestResponse>('/api/screens/mdi/send-test', { syslog: mdiSyslog(form) });
      setTestLine(answer.line);
      setTestNotice(answer.ok ? { kind: 'ok', text: `Test Syslog message sent. ${answer.detail}` } : { kind: 'error', text: `The test Syslog message was not sent: ${answer.detail}`, ...(answer.hint === undefined ? {} : { hint: answer.hint }) });
    } catch (error) {
      const hint = error instanceof ApiFailure ? error.body.hint : undefined;
      setTestNotice({ kind: 'error', text: (error as Error).message, ...(hint === undefined ? {} : { hint }) });
    } finally {
      setTesting(false);
    }
  };

  return (
    <main id="main">
      <h1 tabIndex={-1}>Microsoft Defender for Identity</h1>
      <p class="lead">As MDI's Syslog Service: the connector reads the alerts and health issues from Microsoft Graph and sends them to your syslog server.</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setTestIssues(issuesByField([]));
          void editor.save(mdiSaveRequest(form), checkMdiForm(form));
        }}
        noValidate
      >
        <IssueSummary issues={editor.issueList} describe={(field) => FIELD_NAMES[field] ?? field} />
        <section aria-labelledby="graph-heading">
          <h2 id="graph-heading">Graph connection</h2>
          <TextField label="Tenant ID" value={form.tenantId} onInput={(tenantId) => setForm((f) => ({ ...f, tenantId }))} hint="The Microsoft Entra tenant (directory) ID." errors={errorsAt('graph.tenantId')} />
          <TextField label="Client ID" value={form.clientId} onInput={(clientId) => setForm((f) => ({ ...f, clientId }))} hint="The application (client) ID of an app registration with SecurityAlert.Read.All and SecurityIdentitiesHealth.Read.All." errors={errorsAt('graph.clientId')} />
          <SecretField label="Client secret" what="client secret" set={form.clientSecretSet} value={form.clientSecret} onInput={(clientSecret) => setForm((f) => ({ ...f, clientSecret }))} errors={errorsAt('graph.clientSecret')} />
          <SourceCheck key={form.revision} api={api} sourceId={form.sourceId} label="Test Graph connection" />
        </section>
        <section aria-labelledby="syslog-heading">
          <h2 id="syslog-heading">Syslog service</h2>
          <TextField label="Service endpoint" value={form.endpoint} onInput={(endpoint) => setForm((f) => ({ ...f, endpoint }))} hint="The syslog server's IP address or host name (FQDN)." errors={errorsAt('syslog.endpoint')} />
          <TextField label="Port" value={form.port} inputMode="numeric" onInput={(port) => setForm((f) => ({ ...f, port }))} hint="Default 514." errors={errorsAt('syslog.port')} />
          <SelectField label="Transport" value={form.transport} options={MDI_TRANSPORTS} onChange={(transport) => setForm((f) => ({ ...f, transport }))} hint={form.transport === 'udp' ? 'UDP is best effort: nothing confirms delivery.' : undefined} errors={errorsAt('syslog.transport')} />
          <SelectField label="Format" value={form.format} options={MDI_FORMATS} onChange={(format) => setForm((f) => ({ ...f, format }))} errors={errorsAt('syslog.format')} />
          <div class="actions">
            <button type="button" onClick={() => void sendTest()} aria-disabled={testing ? 'true' : undefined}>
              Send test Syslog message
            </button>
          </div>
          <Notice notice={testNotice}>
            {testLine === undefined ? null : (
              <>
                <p>The line as sent:</p>
                <pre class="lines" tabIndex={0} aria-label="The test Syslog message as sent">
                  {testLine}
                </pre>
              </>
            )}
          </Notice>
        </section>
        <section aria-labelledby="notifications-heading">
          <h2 id="notifications-heading">Syslog notifications</h2>
          <FieldGroup legend="Send these to the syslog service" errors={errorsAt('notifications')}>
            {MDI_NOTIFICATIONS.map((n) => (
              <Checkbox key={n.key} label={n.label} checked={form.notifications[n.key]} onChange={(on) => setForm((f) => ({ ...f, notifications: { ...f.notifications, [n.key]: on } }))} />
            ))}
          </FieldGroup>
        </section>
        <SaveFooter editor={editor} />
      </form>
    </main>
  );
};
