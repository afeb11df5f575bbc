import { useState } from 'preact/hooks';
import type { VisionOneRegion, VisionOneScreen } from '../../api.js';
import type { ApiClient } from '../api-client.js';
import { Checkbox, FieldGroup, SecretField, SelectField, SubChoices, TextField } from '../components/fields.js';
import { IssueSummary } from '../components/issue-summary.js';
import { SourceCheck } from '../components/source-check.js';
import { SaveFooter } from '../components/save-footer.js';
import { ScreenLoading, TableHead } from '../components/screen-parts.js';
import { issuesAt } from '../forms/field-issues.js';
import {
  AUDIT_LOG_TYPES,
  checkVisionOneForm,
  formatLabel,
  formFromScreen,
  protocolLabel,
  REGIONS,
  RISK_LEVELS,
  saveRequest,
  type ServerEntry,
  serverLabel,
  toggled,
  type VisionOneForm,
} from '../forms/vision-one-form.js';
import { useScreenEditor } from '../screen-editor.js';
import { useStatusStream } from '../status-stream.js';
import { SyslogServerPanel } from './syslog-server-panel.js';

const CUSTOM = 'custom';
const TARGETS: readonly { readonly value: VisionOneRegion | typeof CUSTOM; readonly label: string }[] = [...REGIONS, { value: CUSTOM, label: 'Other: a base URL' }];

const FIELD_NAMES: Readonly<Record<string, string>> = {
  'connection.region': 'Region',
  'connection.baseUrl': 'Base URL',
  'connection.apiToken': 'API token',
  'connection.companyId': 'Company ID',
  dataTypes: 'Data types',
  'dataTypes.oat.riskLevels': 'Observed Attack Techniques',
  'dataTypes.audit.logTypes': 'Audit logs',
};

const ServerState = ({ entry, live }: { readonly entry: ServerEntry; readonly live: { connected: boolean; delivered: number; lastError?: string | undefined } | undefined }) => {
  if (entry.pending) return <span class="badge badge-info">Not saved yet</span>;
  const status = live ?? entry.status;
  if (status === undefined) return <span class="badge badge-warn">Not running</span>;
  if (status.connected) {
    return (
      <span>
        <span class="badge badge-ok">Connected</span> {status.delivered} delivered
      </span>
    );
  }
  return (
    <span>
      <span class="badge badge-error">Not connected</span> {status.lastError ?? ''}
    </span>
  );
};

/** The Trend Vision One screen: the connection, the data types, the syslog servers, and Save. */
export const VisionOneScreenView = ({ api }: { readonly api: ApiClient }) => {
  const editor = useScreenEditor<VisionOneScreen, VisionOneForm>(api, '/api/screens/vision-one', formFromScreen);
  const { form, setForm, issues } = editor;
  const [panel, setPanel] = useState<{ readonly editing?: ServerEntry }>();
  const { status } = useStatusStream();

  const describe = (field: string): string => {
    const server = /^servers\[(\d+)\](?:\.(.+))?$/.exec(field);
    if (server !== null) {
      const entry = form?.servers[Number(server[1])];
      return `Syslog server ${entry === undefined ? Number(server[1]) + 1 : serverLabel(entry)}${server[2] === undefined ? '' : ` (${server[2]})`}`;
    }
    return FIELD_NAMES[field] ?? field;
  };

  if (form === undefined) {
    return <ScreenLoading title="Trend Vision One" error={editor.loadError} />;
  }
  const { dataTypes } = form;

  const save = async () => {
    await editor.save(saveRequest(form), checkVisionOneForm(form));
  };

  const connectServer = (entry: ServerEntry) => {
    setForm((current) => {
      const exists = current.servers.some((s) => s.key === entry.key);
      return { ...current, servers: exists ? current.servers.map((s) => (s.key === entry.key ? entry : s)) : [...current.servers, entry] };
    });
    setPanel(undefined);
    editor.announce({ kind: 'ok', text: `Test Connection passed and ${serverLabel(entry)} is in the list. Press Save to write it to the config file.` });
  };

  const removeServer = (entry: ServerEntry) => {
    setForm((current) => ({ ...current, servers: current.servers.filter((s) => s.key !== entry.key) }));
    editor.announce({ kind: 'info', text: `${serverLabel(entry)} was removed from the list. Press Save to remove it from the config file.` });
    document.querySelector<HTMLElement>('#servers-heading')?.focus();
  };

  return (
    <main id="main">
      <h1 tabIndex={-1}>Trend Vision One</h1>
      <p class="lead">Syslog Connector (SaaS/Cloud): pick the data types, add the syslog servers, test, connect and save. Everything is written to the config file.</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
        noValidate
      >
        <IssueSummary issues={editor.issueList} describe={describe} />
        <section aria-labelledby="connection-heading">
          <h2 id="connection-heading">Connection</h2>
          <SelectField
            label="Region"
            value={form.target.kind === 'region' ? form.target.region : CUSTOM}
            options={TARGETS}
            onChange={(value) => setForm((f) => ({ ...f, target: value === CUSTOM ? { kind: 'baseUrl', baseUrl: f.target.kind === 'baseUrl' ? f.target.baseUrl : 'https://' } : { kind: 'region', region: value } }))}
            hint="The region of your Vision One console, or a base URL of your own."
            errors={issuesAt(issues, 'connection.region')}
          />
          {form.target.kind !== 'baseUrl' ? null : (
            <TextField
              label="Base URL"
              type="url"
              value={form.target.baseUrl}
              inputMode="url"
              onInput={(baseUrl) => setForm((f) => ({ ...f, target: { kind: 'baseUrl', baseUrl } }))}
              errors={issuesAt(issues, 'connection.baseUrl')}
            />
          )}
          <SecretField label="API token" what="API token" set={form.apiTokenSet} value={form.apiToken} onInput={(apiToken) => setForm((f) => ({ ...f, apiToken }))} errors={issuesAt(issues, 'connection.apiToken')} />
          <TextField label="Company ID" value={form.companyId} onInput={(companyId) => setForm((f) => ({ ...f, companyId }))} hint="Optional: sent in every event as TrendMicroV1CompanyID." errors={issuesAt(issues, 'connection.companyId')} />
          <SourceCheck key={form.revision} api={api} sourceId={form.sourceIds.workbench ?? form.sourceIds.oat ?? form.sourceIds.audit} label="Test API connection" />
        </section>

        <section aria-labelledby="data-types-heading">
          <h2 id="data-types-heading">Data types</h2>
          <FieldGroup legend="Data types to send" hint="At least one data type, and at least one level or log type under each ticked one." errors={issuesAt(issues, 'dataTypes')}>
            <Checkbox label="Workbench alerts" checked={dataTypes.workbench} onChange={(workbench) => setForm((f) => ({ ...f, dataTypes: { ...f.dataTypes, workbench } }))} />
            <Checkbox
              label="Observed Attack Techniques"
              checked={dataTypes.oat.enabled}
              controls="oat-levels"
              onChange={(enabled) => setForm((f) => ({ ...f, dataTypes: { ...f.dataTypes, oat: { ...f.dataTypes.oat, enabled } } }))}
            />
            <SubChoices
              id="oat-levels"
              legend="Risk levels"
              options={RISK_LEVELS}
              selected={dataTypes.oat.riskLevels}
              enabled={dataTypes.oat.enabled}
              errors={issuesAt(issues, 'dataTypes.oat.riskLevels')}
              onChange={(level, on) => setForm((f) => ({ ...f, dataTypes: { ...f.dataTypes, oat: { ...f.dataTypes.oat, riskLevels: toggled(f.dataTypes.oat.riskLevels, level, on, RISK_LEVELS.map((l) => l.value)) } } }))}
            />
            <Checkbox
              label="Audit logs"
              checked={dataTypes.audit.enabled}
              controls="audit-types"
              onChange={(enabled) => setForm((f) => ({ ...f, dataTypes: { ...f.dataTypes, audit: { ...f.dataTypes.audit, enabled } } }))}
            />
            <SubChoices
              id="audit-types"
              legend="Log types"
              options={AUDIT_LOG_TYPES}
              selected={dataTypes.audit.logTypes}
              enabled={dataTypes.audit.enabled}
              errors={issuesAt(issues, 'dataTypes.audit.logTypes')}
              onChange={(type, on) => setForm((f) => ({ ...f, dataTypes: { ...f.dataTypes, audit: { ...f.dataTypes.audit, logTypes: toggled(f.dataTypes.audit.logTypes, type, on, AUDIT_LOG_TYPES.map((t) => t.value)) } } }))}
            />
          </FieldGroup>
        </section>

        <section aria-labelledby="servers-heading">
          <h2 id="servers-heading" tabIndex={-1} data-focus-after-dialog>
            Syslog servers
          </h2>
          {form.servers.length === 0 ? (
            <p>No syslog server yet. Connect one: events are sent to every server in this list.</p>
          ) : (
            <table class="servers">
              <caption class="visually-hidden">Syslog servers that receive the Vision One data types</caption>
              <TableHead columns={['Server', 'Protocol', 'Format', 'Certificates', 'Status', 'Actions']} />
              <tbody>
                {form.servers.map((entry, index) => {
                  const live = entry.id === undefined ? undefined : status?.destinations.find((d) => d.id === entry.id);
                  const rowIssues = issuesAt(issues, `servers[${index}]`, { under: true });
                  return (
                    <tr key={entry.key}>
                      <th scope="row">
                        {serverLabel(entry)}
                        {entry.id === undefined ? null : <span class="hint"> ({entry.id})</span>}
                        {rowIssues.length === 0 ? null : <p class="field-error">{rowIssues.join(' ')}</p>}
                      </th>
                      <td>{protocolLabel(entry.protocol)}</td>
                      <td>{formatLabel(entry.format)}</td>
                      <td>{entry.protocol !== 'tls' ? '—' : [entry.ca.kind === 'none' ? 'system CAs' : 'own CA', entry.client.kind === 'none' ? '' : 'client certificate'].filter(Boolean).join(', ')}</td>
                      <td>
                        <ServerState entry={entry} live={live === undefined ? undefined : { connected: live.connected, delivered: live.delivered, lastError: live.lastError }} />
                      </td>
                      <td class="row-actions">
                        <button type="button" onClick={() => setPanel({ editing: entry })}>
                          Edit<span class="visually-hidden"> {serverLabel(entry)}</span>
                        </button>
                        <button type="button" onClick={() => removeServer(entry)}>
                          Remove<span class="visually-hidden"> {serverLabel(entry)}</span>
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
          <button type="button" onClick={() => setPanel({})}>
            Connect Syslog Server
          </button>
        </section>

        <SaveFooter editor={editor} />
      </form>
      {panel === undefined ? null : (
        <SyslogServerPanel api={api} {...(panel.editing === undefined ? {} : { initial: panel.editing })} onConnect={connectServer} onClose={() => setPanel(undefined)} />
      )}
    </main>
  );
};
