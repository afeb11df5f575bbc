import { useState } from 'preact/hooks';
import type { CertSummary, CheckStep, FieldIssue, Protocol, SyslogFormat, TestConnectionResponse, UploadResponse } from '../../api.js';
import { ApiFailure, type ApiClient } from '../api-client.js';
import { CheckSteps, stepName } from '../components/check-steps.js';
import { Checkbox, FileField, SelectField, TextField } from '../components/fields.js';
import { ModalDialog } from '../components/modal-dialog.js';
import { Notice, type NoticeState } from '../components/notice.js';
import { issuesAt, issuesByField, NO_ISSUES, type IssuesByField } from '../forms/field-issues.js';
import {
  type CertificateChoice,
  checkServer,
  DEFAULT_PORT,
  FORMATS,
  newServerKey,
  PROTOCOLS,
  serverDraft,
  type ServerEntry,
  serverLabel,
} from '../forms/vision-one-form.js';

const day = (epochMs: number): string => new Date(epochMs).toISOString().slice(0, 10);

/** What the page shows of a certificate: whose, by whom, until when, and a fingerprint to compare. */
export const CertificateSummary = ({ summary }: { readonly summary: CertSummary }) => (
  <span class="cert-summary">
    {summary.subject} (issued by {summary.issuer}, valid until {day(summary.notAfter)}, SHA-256 {summary.fingerprint.slice(0, 23)}…)
  </span>
);

const choiceText = (choice: CertificateChoice) =>
  choice.kind === 'none' ? null : choice.summary === undefined ? <span>The one kept on the server.</span> : <CertificateSummary summary={choice.summary} />;

interface PanelProps {
  readonly api: ApiClient;
  /** The server to edit; absent: a new one. */
  readonly initial?: ServerEntry;
  /** Test Connection passed: keep this server in the list (Save writes it). */
  readonly onConnect: (entry: ServerEntry) => void;
  readonly onClose: () => void;
}

const failureText = (error: unknown): string[] => {
  if (error instanceof ApiFailure) return [error.body.error, ...(error.body.hint === undefined ? [] : [error.body.hint])];
  return [(error as Error).message];
};

/**
 * The Syslog Server Connection panel (as in Trend's console): address, format, protocol, port, the certificates for
 * SSL/TLS, then Test Connection, and Connect, which tests and keeps the server in the screen's list.
 */
export const SyslogServerPanel = ({ api, initial, onConnect, onClose }: PanelProps) => {
  const [address, setAddress] = useState(initial?.address ?? '');
  const [format, setFormat] = useState<SyslogFormat>(initial?.format ?? 'cef');
  const [protocol, setProtocol] = useState<Protocol>(initial?.protocol ?? 'tls');
  const [port, setPort] = useState(String(initial?.port ?? DEFAULT_PORT.tls));
  // "Filled in by protocol until the user types one": a saved server's non-default port counts as typed.
  const [portTyped, setPortTyped] = useState(initial !== undefined && initial.port !== DEFAULT_PORT[initial.protocol]);
  const [useCa, setUseCa] = useState(initial?.ca.kind !== undefined && initial.ca.kind !== 'none');
  const [ca, setCa] = useState<CertificateChoice>(initial?.ca ?? { kind: 'none' });
  const [useClient, setUseClient] = useState(initial?.client.kind !== undefined && initial.client.kind !== 'none');
  const [client, setClient] = useState<CertificateChoice>(initial?.client ?? { kind: 'none' });
  const [clientCertificate, setClientCertificate] = useState<string>();
  const [clientKey, setClientKey] = useState<string>();
  const [passphrase, setPassphrase] = useState('');
  const [issues, setIssues] = useState<IssuesByField>(NO_ISSUES);
  const [steps, setSteps] = useState<readonly CheckStep[]>();
  const [notice, setNotice] = useState<NoticeState>();
  const [busy, setBusy] = useState<'test' | 'connect' | 'upload'>();

  const chooseProtocol = (next: Protocol) => {
    setProtocol(next);
    if (!portTyped) setPort(String(DEFAULT_PORT[next]));
  };

  const uploadCa = async (pem: string) => {
    setBusy('upload');
    try {
      const upload = await api.post<UploadResponse>('/api/uploads', { kind: 'ca', pem });
      setCa({ kind: 'upload', id: upload.id, summary: upload.summary });
      setIssues((current) => withField(current, 'caCertificate', []));
    } catch (error) {
      setCa({ kind: 'none' });
      setIssues((current) => withField(current, 'caCertificate', failureText(error)));
    } finally {
      setBusy(undefined);
    }
  };

  /** The client certificate, key and passphrase are checked together (key matches, passphrase opens it). */
  const uploadClient = async (): Promise<CertificateChoice | undefined> => {
    if (clientCertificate === undefined || clientKey === undefined) return client;
    try {
      const upload = await api.post<UploadResponse>('/api/uploads', { kind: 'client', certificate: clientCertificate, key: clientKey, ...(passphrase === '' ? {} : { passphrase }) });
      const choice: CertificateChoice = { kind: 'upload', id: upload.id, summary: upload.summary };
      setClient(choice);
      // Uploaded: the PEM texts and the passphrase are no longer held by the page.
      setClientCertificate(undefined);
      setClientKey(undefined);
      setPassphrase('');
      return choice;
    } catch (error) {
      setIssues((current) => withField(current, 'clientCertificate', failureText(error)));
      return undefined;
    }
  };

  /** The page's checks and the client upload; the entry to test, or undefined with the problems shown at their fields. */
  const prepare = async (): Promise<ServerEntry | undefined> => {
    const portNumber = /^\d+$/.test(port.trim()) ? Number(port.trim()) : undefined;
    const found: FieldIssue[] = checkServer({ address, port: portNumber });
    let clientChoice = client;
    if (protocol === 'tls') {
      if (useCa && ca.kind === 'none') found.push({ path: '', field: 'caCertificate', message: 'Choose the CA certificate file (PEM) that signed the server\'s certificate, or untick "Use CA certificate".' });
      if (useClient) {
        if (clientCertificate !== undefined || clientKey !== undefined) {
          if (clientCertificate === undefined || clientKey === undefined) {
            found.push({ path: '', field: 'clientCertificate', message: 'Choose both the client certificate file and its private key file.' });
          }
        } else if (client.kind === 'none') {
          found.push({ path: '', field: 'clientCertificate', message: 'Choose the client certificate file and its private key file (PEM), or untick "Server requires client authentication".' });
        }
      }
    }
    setIssues(issuesByField(found));
    if (found.length > 0 || portNumber === undefined) return undefined;
    if (protocol === 'tls' && useClient) {
      const uploaded = await uploadClient();
      if (uploaded === undefined) return undefined;
      clientChoice = uploaded;
    }
    return {
      key: initial?.key ?? newServerKey(),
      ...(initial?.id === undefined ? {} : { id: initial.id }),
      address: address.trim(),
      port: portNumber,
      protocol,
      format,
      ca: protocol === 'tls' && useCa ? ca : { kind: 'none' },
      client: protocol === 'tls' && useClient ? clientChoice : { kind: 'none' },
      ...(initial?.status === undefined ? {} : { status: initial.status }),
      pending: true,
    };
  };

  const test = async (then: 'test' | 'connect') => {
    // The buttons stay focusable while a test runs (aria-disabled, not disabled, which would drop the focus).
    if (busy !== undefined) return;
    setBusy(then);
    setNotice(undefined);
    setSteps(undefined);
    try {
      const entry = await prepare();
      if (entry === undefined) {
        setNotice({ kind: 'error', text: 'Fix the fields marked below, then try again.' });
        return;
      }
      const result = await api.post<TestConnectionResponse>('/api/test-connection', { server: serverDraft(entry) });
      setSteps(result.steps);
      const failed = result.steps.find((s) => !s.ok);
      if (!result.ok) {
        setNotice({ kind: 'error', text: `Test Connection failed${failed === undefined ? '' : ` at ${stepName(failed.step)}`}: the cause and the fix are in the steps below.` });
        return;
      }
      if (then === 'connect') onConnect(entry);
      else setNotice({ kind: 'ok', text: `Test Connection passed: ${serverLabel(entry)} accepts the connection.${protocol === 'udp' ? ' UDP is best effort: nothing confirms delivery.' : ''}` });
    } catch (error) {
      setNotice({ kind: 'error', text: failureText(error).join(' ') });
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <ModalDialog title="Syslog Server Connection" onClose={onClose}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void test('connect');
        }}
        noValidate
      >
        <TextField label="Server address" value={address} onInput={setAddress} hint="The SIEM's IP address or host name (FQDN)." errors={issuesAt(issues, 'address')} required />
        <SelectField label="Syslog format" value={format} options={FORMATS} onChange={setFormat} hint="CEF as Trend's connector sends it, or RFC 5424 / RFC 3164." />
        <SelectField
          label="Protocol"
          value={protocol}
          options={PROTOCOLS}
          onChange={chooseProtocol}
          hint={protocol === 'udp' ? 'UDP is best effort: nothing confirms delivery and a lost datagram is not sent again.' : 'SSL/TLS encrypts and checks the server; TCP does neither.'}
        />
        <TextField
          label="Port"
          value={port}
          inputMode="numeric"
          onInput={(value) => {
            setPort(value);
            setPortTyped(true);
          }}
          hint={`${DEFAULT_PORT[protocol]} is the usual port for ${PROTOCOLS.find((p) => p.value === protocol)?.label ?? protocol}.`}
          errors={issuesAt(issues, 'port')}
          required
        />
        {protocol !== 'tls' ? null : (
          <>
            <Checkbox label="Use CA certificate" checked={useCa} onChange={setUseCa} />
            {!useCa ? (
              <p class="hint indent">Without a CA certificate the server's certificate is checked against the system's trusted CAs.</p>
            ) : (
              <div class="indent">
                {ca.kind === 'none' ? null : <p class="current-cert">CA certificate: {choiceText(ca)}</p>}
                <FileField
                  label={ca.kind === 'none' ? 'CA certificate file' : 'Replace CA certificate file'}
                  hint="PEM; the CA (or bundle) that signed the server's certificate."
                  errors={issuesAt(issues, 'caCertificate')}
                  onFile={(pem) => void uploadCa(pem)}
                />
              </div>
            )}
            <Checkbox label="Server requires client authentication" checked={useClient} onChange={setUseClient} />
            {!useClient ? null : (
              <div class="indent">
                {client.kind === 'none' ? null : <p class="current-cert">Client certificate: {choiceText(client)}</p>}
                <FileField label="Client certificate file" hint="PEM; the certificate this connector presents." onFile={(pem) => setClientCertificate(pem)} />
                <FileField label="Private key file" hint="PEM; the client certificate's key. It is kept on the server in a file only the connector can read." onFile={(pem) => setClientKey(pem)} />
                <TextField label="Key passphrase" type="password" value={passphrase} onInput={setPassphrase} autoComplete="new-password" hint="Only if the private key is encrypted." />
                {issuesAt(issues, 'clientCertificate').length === 0 ? null : (
                  <p class="field-error" role="alert">
                    {issuesAt(issues, 'clientCertificate').join(' ')}
                  </p>
                )}
              </div>
            )}
          </>
        )}
        <Notice notice={notice} />
        {steps === undefined ? null : <CheckSteps steps={steps} label="Test Connection steps" />}
        <div class="actions">
          <button type="button" onClick={() => void test('test')} aria-disabled={busy !== undefined ? 'true' : undefined}>
            Test Connection
          </button>
          <button type="submit" class="primary" aria-disabled={busy !== undefined ? 'true' : undefined}>
            Connect
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
        {busy === undefined ? null : (
          <p class="hint" role="status">
            {busy === 'upload' ? 'Checking the certificate…' : 'Testing the connection…'}
          </p>
        )}
      </form>
    </ModalDialog>
  );
};

const withField = (issues: IssuesByField, field: string, messages: readonly string[]): IssuesByField => {
  const next = new Map(issues);
  if (messages.length === 0) next.delete(field);
  else next.set(field, messages);
  return next;
};
