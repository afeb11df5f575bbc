import { createPrivateKey, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createCertificateAuthority,
  GraphSimulator,
  isCefFields,
  issueCertificate,
  type ParsedRecord,
  requireOracle,
  RsyslogOracle,
  SyslogReceiver,
  type SyslogOracle,
  VisionOneSimulator,
} from '@syslog-connector/testing';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { type ConnectorProcess, deadPort, startConnector, waitUntil } from '../connector-process.js';
import { chromiumMissing, type LaunchedChromium, launchChromium } from './chromium.js';
import { axeViolations, focusInside, focusOutline, inlineScriptViolation, isFocused, type RecordedResponse, recordResponses, screenshot, tabTo } from './console-page.js';

/**
 * The web console in a real browser (Debian's Chromium, driven by playwright-core) against the real daemon (built
 * CLI, child process), the Vision One and Graph simulators and a real rsyslog (TLS with client certificates, UDP):
 * both vendors' procedures end to end, as an administrator does them, and what must never reach the browser.
 */
// Random, so no 8-character run of a secret appears in ordinary text (the daemon masks any such run it would show).
const ADMIN_TOKEN = randomBytes(18).toString('base64url');
const MDI_PLACEHOLDER_SECRET = randomBytes(18).toString('base64url');
const KEY_PASSPHRASE = randomBytes(12).toString('base64url');
// A formatter that refuses every event while a marker file exists (the daemon side's fixture): what a destination
// dead-letters, with its reason, until the marker is gone and Retry delivers it.
const PICKY_FORMATTER = fileURLToPath(new URL('../fixtures/console-api-picky-formatter.mjs', import.meta.url));

const skip = requireOracle('rsyslog') || chromiumMissing();

let dir: string;
let configPath: string;
let oracle: SyslogOracle;
let picky: SyslogReceiver;
let marker: string;
let visionOne: VisionOneSimulator;
let graph: GraphSimulator;
let connector: ConnectorProcess;
let chromium: LaunchedChromium;
let context: BrowserContext;
let page: Page;
let responses: { all(): Promise<RecordedResponse[]> };
let consoleUrl: string;
let tlsPort: number;
let udpPort: number;
let clientKeyPem: string;
const files = { ca: '', clientCert: '', clientKey: '' };
/** Every secret typed into the console or given to the daemon: none may appear in anything sent to the browser. */
const secrets: string[] = [ADMIN_TOKEN, KEY_PASSPHRASE, MDI_PLACEHOLDER_SECRET];

const adminUrl = async (daemon: ConnectorProcess): Promise<string> => {
  let url: string | undefined;
  await waitUntil(
    () => {
      url = /Admin listener on (https?:\/\/[^\s)"]+)/.exec(daemon.logs())?.[1];
      return url !== undefined || daemon.child.exitCode !== null;
    },
    20_000,
    'the admin listener',
  );
  if (url === undefined) throw new Error(`the daemon exited before its admin listener started:\n${daemon.logs()}`);
  return url;
};

/** rsyslog's records until `count` match, within `timeoutMs` (each call takes what arrived since the last). */
const collected: ParsedRecord[] = [];
const receivedUntil = async (predicate: (records: readonly ParsedRecord[]) => boolean, timeoutMs: number, what: string): Promise<ParsedRecord[]> => {
  const deadline = Date.now() + timeoutMs;
  while (!predicate(collected)) {
    if (Date.now() > deadline) {
      const last = collected.slice(-3).map((r) => r.msg.slice(0, 200));
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; rsyslog has ${collected.length} records, the last: ${JSON.stringify(last)}\n${connector.logs().slice(-3_000)}`);
    }
    collected.push(...(await oracle.takeReceived()));
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return collected;
};

/** expect.poll with room for a daemon that checks a TLS connection or reloads (vitest's default is 1 s). */
const poll = <T>(read: () => Promise<T> | T, timeoutMs = 15_000) => expect.poll(read, { timeout: timeoutMs, interval: 100 });

const expectNoAxeViolations = async (screen: string, selector?: string) => {
  const violations = await axeViolations(page, selector);
  expect(violations, `axe-core on ${screen}`).toEqual([]);
};

describe.skipIf(skip)('the web console in Chromium', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sc-console-'));
    configPath = join(dir, 'syslog-connector.yaml');

    // The SIEM: rsyslog with a TLS input that demands a client certificate from our CA, and a UDP input for MDI.
    const ca = await createCertificateAuthority({ commonName: 'Console test SIEM CA' });
    const server = await issueCertificate(ca, { commonName: 'localhost', altNames: ['localhost', '127.0.0.1'] });
    const client = await issueCertificate(ca, { commonName: 'syslog-connector console client' });
    files.ca = join(dir, 'siem-ca.pem');
    files.clientCert = join(dir, 'client.pem');
    files.clientKey = join(dir, 'client-key.pem');
    await writeFile(files.ca, ca.cert);
    await writeFile(join(dir, 'server.pem'), server.cert);
    await writeFile(join(dir, 'server-key.pem'), server.key, { mode: 0o600 });
    await writeFile(files.clientCert, client.cert);
    // The key as Trend's on-premises variant takes it: encrypted, opened with the passphrase typed on the panel.
    clientKeyPem = createPrivateKey(client.key).export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: KEY_PASSPHRASE }) as string;
    await writeFile(files.clientKey, clientKeyPem, { mode: 0o600 });
    oracle = await RsyslogOracle.start({
      inputs: [
        { protocol: 'tls', tls: { caFile: files.ca, certFile: join(dir, 'server.pem'), keyFile: join(dir, 'server-key.pem'), clientAuth: 'required', driver: 'ossl' } },
        { protocol: 'udp' },
      ],
      parseCef: true,
    });
    [tlsPort, udpPort] = oracle.ports as [number, number];

    picky = await SyslogReceiver.start({ protocol: 'tcp', framing: 'octet-counting' });
    marker = join(dir, 'refuse');
    await writeFile(marker, 'the picky formatter refuses events while this file exists\n');
    visionOne = await VisionOneSimulator.start({ seed: 17, hostileRatio: 0 });
    graph = await GraphSimulator.start({ seed: 17, hostileRatio: 0 });
    secrets.push(visionOne.token, graph.clientSecret);

    // What an operator has before opening the console: the admin listener, and an MDI source whose credentials are
    // placeholders (the MDI screen fills them in), pointed at the Graph simulator.
    await writeFile(
      configPath,
      [
        '# Written by hand; the console keeps this comment.',
        'instance: console-test',
        'stateDir: ./state',
        'logLevel: info',
        'admin:',
        '  listen: 127.0.0.1:0',
        '  token: ${SYSLOG_CONNECTOR_ADMIN_TOKEN}',
        'plugins:',
        `  - ${JSON.stringify(PICKY_FORMATTER)}`,
        'sources:',
        '  mdi:',
        '    type: microsoft-defender-identity',
        '    tenantId: 00000000-0000-0000-0000-000000000000',
        '    clientId: 00000000-0000-0000-0000-000000000000',
        '    clientSecret: ${MDI_PLACEHOLDER_SECRET}',
        `    authorityHost: ${graph.baseUrl}`,
        `    graphHost: ${graph.baseUrl}`,
        '    pollInterval: 1s',
        'destinations:',
        '  mdi-syslog:',
        '    protocol: udp',
        '    address: 127.0.0.1',
        `    port: ${await deadPort()}`,
        '    format: rfc5424',
        '    sources: [mdi]',
        '  archive:   # receives every source; on no screen, edited in the YAML only',
        '    protocol: tcp',
        '    address: 127.0.0.1',
        `    port: ${picky.port}`,
        '    format: test-picky',
        `    test-picky: { refuseWhile: ${JSON.stringify(marker)} }`,
        '',
      ].join('\n'),
    );
    connector = startConnector(configPath, ['--drain-timeout', '3s'], { SYSLOG_CONNECTOR_ADMIN_TOKEN: ADMIN_TOKEN, MDI_PLACEHOLDER_SECRET });
    consoleUrl = `${await adminUrl(connector)}/console/`;

    chromium = await launchChromium();
    context = await chromium.browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    responses = recordResponses(page);
  }, 90_000);

  afterAll(async () => {
    // Every process this file started, by its own handle: the browser (its PID killed if it lingers), the daemon,
    // rsyslog; then the in-process simulators.
    await chromium?.close();
    if (connector !== undefined && connector.child.exitCode === null && connector.child.signalCode === null) await connector.stop(5_000);
    await oracle?.stop();
    await Promise.all([visionOne?.stop(), graph?.stop(), picky?.stop()]);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  }, 30_000);

  beforeEach(() => {
    // A failing step shows what the daemon said meanwhile (its log is JSON lines on stderr).
    onTestFailed(() => console.error(`daemon log, last 6000 characters:\n${connector.logs().slice(-6_000)}`));
  });

  it('signs in with the keyboard alone, refusing a wrong token at its field; the CSP refuses inline script', async () => {
    await page.goto(consoleUrl);
    await poll(() => page.getByRole('heading', { name: 'Sign in', level: 1 }).isVisible()).toBe(true);
    const tokenField = page.getByLabel('Admin token');
    // The field has the focus on arrival: type straight away.
    await poll(() => isFocused(tokenField)).toBe(true);
    await expectNoAxeViolations('Sign in');
    expect(await inlineScriptViolation(page)).toBe('script-src-elem');
    await screenshot(page, 'sign-in', dir);

    await page.keyboard.type('not-the-admin-token');
    await page.keyboard.press('Enter');
    await poll(() => page.getByText('That is not the admin token').isVisible()).toBe(true);
    expect(await tokenField.getAttribute('aria-invalid')).toBe('true');
    await expectNoAxeViolations('Sign in, refused');

    await tokenField.focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type(ADMIN_TOKEN);
    await page.keyboard.press('Tab');
    expect(await isFocused(page.getByRole('button', { name: 'Sign in' }))).toBe(true);
    expect(await focusOutline(page)).not.toBe('none');
    await page.keyboard.press('Enter');
    await poll(() => page.getByRole('heading', { name: 'Trend Vision One', level: 1 }).isVisible()).toBe(true);
  }, 60_000);

  it('Trend Vision One: data types, a TLS server with an uploaded CA and client certificate, Test Connection, Connect, Save; the events arrive at rsyslog', async () => {
    const alerts = visionOne.addWorkbenchAlerts(6, { from: Date.now() - 3_600_000, to: Date.now() - 60_000 });
    const detections = visionOne.addOatDetections(12, { from: Date.now() - 3_600_000, to: Date.now() - 120_000, ingestDelayMs: 1_000 });
    visionOne.addAuditLogs(4, { from: Date.now() - 3_600_000, to: Date.now() - 120_000, ingestDelayMs: 1_000 });
    await expectNoAxeViolations('Trend Vision One');

    await page.getByLabel('Region').selectOption('custom');
    await page.getByLabel('Base URL').fill(visionOne.baseUrl);
    await page.getByLabel('API token').fill(visionOne.token);

    // The at-least-one rules: no data type, then a ticked type with no level, are refused at their fields.
    const before = await readFile(configPath, 'utf8');
    await page.getByRole('button', { name: 'Save' }).click();
    await poll(() => page.getByText('Tick at least one data type').first().isVisible()).toBe(true);
    await page.getByRole('checkbox', { name: 'Observed Attack Techniques' }).check();
    await page.getByRole('checkbox', { name: 'Audit logs' }).check();
    for (const name of ['Critical', 'High', 'Medium', 'Account', 'System']) await page.getByRole('checkbox', { name }).uncheck();
    await page.getByRole('button', { name: 'Save' }).click();
    await poll(() => page.getByText('needs at least one risk level').first().isVisible()).toBe(true);
    await poll(() => page.getByText('needs at least one log type').first().isVisible()).toBe(true);
    await expectNoAxeViolations('Trend Vision One with errors');
    expect(await readFile(configPath, 'utf8')).toBe(before);

    await page.getByRole('checkbox', { name: 'Workbench alerts' }).check();
    await page.getByRole('checkbox', { name: 'Critical' }).check();
    await page.getByRole('checkbox', { name: 'High' }).check();
    await page.getByRole('checkbox', { name: 'Account' }).check();
    await page.getByRole('checkbox', { name: 'System' }).check();

    // The Syslog Server Connection panel, a modal dialog; the port follows the protocol until one is typed.
    // Opened from the keyboard, the panel keeps the focus inside it (Tab cycles), Escape closes it, and the focus is
    // back on the button that opened it.
    const opener = page.getByRole('button', { name: 'Connect Syslog Server' });
    const panel = page.getByRole('dialog', { name: 'Syslog Server Connection' });
    await opener.focus();
    await page.keyboard.press('Enter');
    await poll(() => panel.isVisible()).toBe(true);
    expect(await isFocused(panel.getByLabel('Server address'))).toBe(true);
    for (let press = 0; press < 16; press += 1) {
      await page.keyboard.press(press < 12 ? 'Tab' : 'Shift+Tab');
      expect(await focusInside(panel), `focus after ${press + 1} presses`).toBe(true);
      expect(await focusOutline(page), `focus visible after ${press + 1} presses`).not.toBe('none');
    }
    await page.keyboard.press('Escape');
    await poll(() => panel.isVisible()).toBe(false);
    // The page closes the panel by re-rendering without it (the cancel is the page's, not the browser's); the focus
    // returns as the panel unmounts, which need not be the same task that hid it.
    await poll(() => isFocused(opener)).toBe(true);
    await page.keyboard.press('Enter');
    await poll(() => panel.isVisible()).toBe(true);
    const port = panel.getByLabel('Port');
    expect(await port.inputValue()).toBe('6514');
    await panel.getByLabel('Protocol').selectOption({ label: 'TCP' });
    expect(await port.inputValue()).toBe('601');
    await panel.getByLabel('Protocol').selectOption({ label: 'UDP (best effort)' });
    expect(await port.inputValue()).toBe('514');
    await panel.getByLabel('Protocol').selectOption({ label: 'SSL/TLS' });
    expect(await port.inputValue()).toBe('6514');
    await panel.getByLabel('Server address').fill('127.0.0.1');
    await panel.getByLabel('Syslog format').selectOption({ label: 'CEF' });

    // A wrong port: the connect step fails with its cause and its fix.
    await port.fill(String(await deadPort()));
    await panel.getByRole('button', { name: 'Test Connection' }).click();
    const steps = panel.getByRole('list', { name: 'Test Connection steps' });
    await poll(() => steps.isVisible()).toBe(true);
    await poll(() => steps.innerText()).toMatch(/Failed\s+Connect\s+nothing is listening on 127\.0\.0\.1:\d+\s+Fix: check the port/);
    await screenshot(page, 'test-connection-wrong-port', dir, panel);

    // The right port, but the server's certificate is from a CA the system does not trust: the handshake says so.
    await port.fill(String(tlsPort));
    await panel.getByRole('button', { name: 'Test Connection' }).click();
    await poll(() => steps.innerText()).toMatch(/Failed\s+TLS handshake[\s\S]*(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|not trusted|unable to verify)[\s\S]*Fix:/i);
    await screenshot(page, 'test-connection-untrusted', dir, panel);

    // The CA and the client certificate, uploaded and checked by the daemon; the encrypted key opened with its passphrase.
    await panel.getByRole('checkbox', { name: 'Use CA certificate' }).check();
    await panel.getByLabel('CA certificate file').setInputFiles(files.ca);
    await poll(() => panel.getByText('Console test SIEM CA').first().isVisible()).toBe(true);
    await panel.getByRole('checkbox', { name: 'Server requires client authentication' }).check();
    await panel.getByLabel('Client certificate file').setInputFiles(files.clientCert);
    await panel.getByLabel('Private key file').setInputFiles(files.clientKey);
    await panel.getByLabel('Key passphrase').fill(KEY_PASSPHRASE);
    await panel.getByRole('button', { name: 'Test Connection' }).click();
    await poll(() => panel.getByText('Test Connection passed').isVisible(), 30_000).toBe(true);
    const stepTexts = await steps.getByRole('listitem').allInnerTexts();
    expect(stepTexts.length).toBeGreaterThanOrEqual(3);
    expect(stepTexts.every((text) => text.startsWith('✓ Passed'))).toBe(true);
    await expectNoAxeViolations('Syslog Server Connection', 'dialog');
    await screenshot(page, 'syslog-server-connection', dir, panel);

    await panel.getByRole('button', { name: 'Connect', exact: true }).click();
    // Connect tests again (test, then keep), TLS handshake and client authentication included.
    await poll(async () => ((await panel.isVisible()) ? panel.innerText() : 'closed'), 30_000).toBe('closed');
    // Focus is back on the control that opened the panel.
    expect(await isFocused(opener)).toBe(true);
    const row = page.getByRole('row', { name: new RegExp(`127\\.0\\.0\\.1:${tlsPort}`) });
    await poll(() => row.innerText()).toContain('Not saved yet');

    await page.getByRole('button', { name: 'Save' }).click();
    await poll(() => page.getByText('Saved to the config file').isVisible(), 40_000).toBe(true);
    const saved = await readFile(configPath, 'utf8');
    expect(saved).toContain('# Written by hand; the console keeps this comment.');
    for (const secret of [visionOne.token, KEY_PASSPHRASE]) expect(saved).not.toContain(secret);
    await poll(() => row.innerText(), 20_000).toContain('Connected');
    // The saved source's own check: sign-in and one page of the API, as `test-connection -s` does.
    await page.getByRole('button', { name: 'Test API connection' }).click();
    await poll(() => page.getByText('Test API connection passed').isVisible(), 30_000).toBe(true);

    // Every alert, the Critical and High detections only, and the audit logs, as rsyslog parsed the CEF.
    const wanted = detections.filter((d) => ['critical', 'high'].includes(String((d as { filterRiskLevel?: string }).filterRiskLevel))).length;
    const byType = (records: readonly ParsedRecord[], signatureId: string) => records.filter((r) => isCefFields(r.cef) && r.cef.signatureId === signatureId);
    const records = await receivedUntil(
      (all) => byType(all, '900001').length >= alerts.length && byType(all, '900002').length >= wanted && [...byType(all, '900003'), ...byType(all, '900004')].length > 0,
      60_000,
      'the Vision One events at rsyslog',
    );
    expect(byType(records, '900001').map((r) => (isCefFields(r.cef) ? r.cef.extensions.externalId : undefined)).sort()).toEqual(alerts.map((a) => a.id).sort());
    // OAT severity: high 7, critical 9 (the source's OAT_SEVERITY); nothing of the unticked levels.
    expect(byType(records, '900002').every((r) => isCefFields(r.cef) && ['7', '9'].includes(r.cef.severity))).toBe(true);
    await expectNoAxeViolations('Trend Vision One, saved');
    await screenshot(page, 'trend-vision-one', dir);
  }, 150_000);

  it('Trend Vision One: a server is edited in the same panel; a config file changed on disk is not overwritten, the page is told', async () => {
    const edit = page.getByRole('button', { name: `Edit 127.0.0.1:${tlsPort}` });
    await edit.click();
    const panel = page.getByRole('dialog', { name: 'Syslog Server Connection' });
    await poll(() => panel.isVisible()).toBe(true);
    expect(await panel.getByLabel('Server address').inputValue()).toBe('127.0.0.1');
    expect(await panel.getByLabel('Port').inputValue()).toBe(String(tlsPort));
    expect(await panel.getByRole('checkbox', { name: 'Use CA certificate' }).isChecked()).toBe(true);
    await poll(() => panel.getByText('CN=Console test SIEM CA').first().isVisible()).toBe(true);
    await panel.getByRole('button', { name: 'Cancel' }).click();
    await poll(() => panel.isVisible()).toBe(false);
    expect(await isFocused(edit)).toBe(true);

    // Someone edits the YAML while the page is open: the save is refused with 409 and nothing is written.
    const onDisk = `${await readFile(configPath, 'utf8')}# edited by hand while the console was open\n`;
    await writeFile(configPath, onDisk);
    await page.getByRole('checkbox', { name: 'System' }).uncheck();
    await page.getByRole('button', { name: 'Save' }).click();
    await poll(() => page.getByRole('alert').filter({ hasText: 'changed on disk' }).isVisible()).toBe(true);
    expect(await readFile(configPath, 'utf8')).toBe(onDisk);
    await expectNoAxeViolations('Trend Vision One, file changed on disk');
    await page.getByRole('button', { name: 'Read the settings again' }).click();
    await poll(() => page.getByText('The settings were read again').isVisible()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'System' }).isChecked()).toBe(true);
  }, 60_000);

  it('Microsoft Defender for Identity with the keyboard alone: Send test Syslog message arrives, Save, then the alerts arrive', async () => {
    graph.addAlerts(3, { from: Date.now() - 600_000, to: Date.now() - 60_000 });
    await page.getByRole('link', { name: 'Microsoft Defender for Identity' }).focus();
    await page.keyboard.press('Enter');
    await poll(() => page.getByRole('heading', { name: 'Microsoft Defender for Identity', level: 1 }).isVisible()).toBe(true);
    await expectNoAxeViolations('Microsoft Defender for Identity');

    const typeInto = async (label: string, text: string, key: 'Tab' | 'Shift+Tab' = 'Tab') => {
      await tabTo(page, page.getByLabel(label, { exact: true }), key);
      expect(await focusOutline(page), `focus visible on ${label}`).not.toBe('none');
      await page.keyboard.press('Control+A');
      await page.keyboard.type(text);
    };
    // The saved placeholders fail the Graph check, with Entra's cause and the fix.
    await tabTo(page, page.getByRole('button', { name: 'Test Graph connection' }));
    await page.keyboard.press('Enter');
    await poll(() => page.getByRole('alert').filter({ hasText: 'Test Graph connection failed at Sign in' }).isVisible(), 30_000).toBe(true);
    expect(await page.getByRole('list', { name: 'Test Graph connection steps' }).innerText()).toMatch(/Failed\s+Sign in[\s\S]*AADSTS90002[\s\S]*Fix: copy the Directory \(tenant\) ID/);
    // The daemon's own check (400) is shown at its field: a tenant that is neither a GUID nor a domain.
    await typeInto('Tenant ID', 'not a tenant');
    await typeInto('Client ID', graph.clientId);
    await typeInto('Client secret', graph.clientSecret);
    await typeInto('Service endpoint', '127.0.0.1');
    await typeInto('Port', String(udpPort));
    await tabTo(page, page.getByRole('button', { name: 'Save' }));
    await page.keyboard.press('Enter');
    const tenant = page.getByLabel('Tenant ID', { exact: true });
    await poll(() => tenant.getAttribute('aria-invalid')).toBe('true');
    const tenantError = await tenant.getAttribute('aria-describedby');
    expect(await page.locator(`[id="${tenantError?.split(' ').at(-1) ?? ''}"]`).innerText()).toMatch(/tenant/i);
    await expectNoAxeViolations('Microsoft Defender for Identity, refused');
    await screenshot(page, 'field-error', dir);
    await typeInto('Tenant ID', graph.tenantId, 'Shift+Tab');
    expect(await page.getByLabel('Transport').inputValue()).toBe('udp');
    expect(await page.getByLabel('Format').inputValue()).toBe('rfc5424');

    collected.push(...(await oracle.takeReceived()));
    const seen = collected.length;
    await tabTo(page, page.getByRole('button', { name: 'Send test Syslog message' }));
    await page.keyboard.press('Enter');
    await poll(() => page.getByText('Test Syslog message sent').isVisible(), 20_000).toBe(true);
    const line = await page.locator('pre.lines').first().innerText();
    const [testRecord] = (await receivedUntil((all) => all.length > seen, 15_000, 'the test Syslog message')).slice(seen);
    expect(testRecord?.msg, `rsyslog got ${JSON.stringify(testRecord?.raw)}`).toBeTruthy();
    expect(line, 'the line shown is the one rsyslog received').toContain((testRecord?.msg ?? '').replace(/^\uFEFF/, '').trim());

    for (const name of ['New security alerts', 'Updated security alerts', 'New health issues']) {
      const box = page.getByRole('checkbox', { name });
      await tabTo(page, box);
      if (!(await box.isChecked())) await page.keyboard.press('Space');
      expect(await box.isChecked()).toBe(true);
    }
    await tabTo(page, page.getByRole('button', { name: 'Save' }));
    await page.keyboard.press('Enter');
    await poll(() => page.getByText('Saved to the config file').isVisible(), 40_000).toBe(true);
    await receivedUntil((all) => all.slice(seen + 1).filter((r) => r.msg.includes('|Microsoft|Azure ATP|')).length >= 3, 30_000, 'the MDI alerts at rsyslog');
    await expectNoAxeViolations('Microsoft Defender for Identity, saved');
    await screenshot(page, 'microsoft-defender-identity', dir);
  }, 120_000);

  it('Status: every source and destination live without a reload, the last lines exactly as sent', async () => {
    await page.getByRole('link', { name: 'Status' }).click();
    await poll(() => page.getByRole('heading', { name: 'Status', level: 1 }).isVisible()).toBe(true);
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => navigations.push(frame.url()));
    const mdiRow = page.getByRole('row', { name: /^mdi-syslog/ });
    await poll(() => mdiRow.isVisible(), 10_000).toBe(true);
    const deliveredNow = async () => Number((await mdiRow.getByRole('cell').nth(2).innerText()).replace(/,/g, ''));
    const before = await deliveredNow();
    graph.addAlerts(2, { from: Date.now() - 30_000, to: Date.now() - 5_000 });
    await poll(deliveredNow, 20_000).toBeGreaterThanOrEqual(before + 2);
    expect(navigations).toEqual([]);
    const sources = page.getByRole('table', { name: 'Sources' });
    for (const source of ['workbench', 'oat', 'audit', 'mdi']) expect(await sources.getByRole('rowheader', { name: source, exact: true }).count()).toBe(1);

    await page.getByText('Last lines sent to mdi-syslog').click();
    const lines = page.getByLabel(/lines sent to mdi-syslog/);
    await poll(() => lines.isVisible()).toBe(true);
    const shown = (await lines.innerText()).split('\n').filter((l) => l !== '');
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThanOrEqual(50);
    // Exactly as sent: each line's message part is what rsyslog parsed out of one datagram.
    // (rsyslog keeps the RFC 5424 BOM at the start of MSG; the line has it before the CEF text.)
    const unmatched = (records: readonly ParsedRecord[]) => {
      const messages = records.map((r) => r.msg.replace(/^\uFEFF/, '')).filter((m) => m.length > 20);
      return shown.filter((l) => !l.startsWith('<') || !messages.some((m) => l.endsWith(m)));
    };
    await receivedUntil((all) => unmatched(all).length === 0, 15_000, `the lines shown, at rsyslog: ${JSON.stringify(unmatched(collected))}`);

    // Dead letters: what the archive destination's formatter refused, with the reason; Retry sends one again once
    // the cause is gone, and it leaves the list.
    const deadLetters = page.getByRole('table', { name: 'Dead-lettered events, newest first' });
    await poll(() => deadLetters.getByRole('row').count(), 20_000).toBeGreaterThan(1);
    const row = deadLetters.getByRole('row').nth(1);
    expect(await row.innerText()).toContain('picky: refusing');
    await expectNoAxeViolations('Status');
    await screenshot(page, 'status', dir, 'viewport');
    await rm(marker);
    const retry = row.getByRole('button', { name: /^Retry / });
    const key = (await retry.innerText()).replace(/^Retry/, '').trim();
    await retry.click();
    await poll(() => page.getByRole('status').filter({ hasText: `Sent again to archive: picky ${key}` }).isVisible()).toBe(true);
    await picky.waitFor(1, 10_000);
    expect(picky.messages.map((m) => m.raw)).toContain(`picky ${key}`);
    await poll(() => deadLetters.getByRole('row').filter({ hasText: key }).count(), 10_000).toBe(0);
  }, 60_000);

  it('never sends the admin token or any secret typed to the browser, in any response body', async () => {
    const all = await responses.all();
    expect(all.length).toBeGreaterThan(10);
    const keyBody = clientKeyPem.split('\n').filter((l) => l !== '' && !l.startsWith('-----'));
    for (const response of all) {
      for (const secret of [...secrets, ...keyBody]) {
        expect(response.body.includes(secret), `${response.url} (${response.status}) carries a secret`).toBe(false);
      }
    }
    expect(all.some((r) => r.url.includes('/api/screens/vision-one'))).toBe(true);
    expect(all.some((r) => r.url.includes('/api/uploads'))).toBe(true);

    // The status stream never ends, so the page's recorder skips it: its first event, read here, carries none either.
    const stream = await fetch(new URL('/api/status/stream', consoleUrl), { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` }, signal: AbortSignal.timeout(10_000) });
    const reader = stream.body?.getReader();
    const first = new TextDecoder().decode((await reader?.read())?.value);
    await reader?.cancel();
    expect(first).toMatch(/^event: status\ndata: \{/);
    for (const secret of [...secrets, ...keyBody]) expect(first.includes(secret)).toBe(false);

    // The session as the browser keeps it: out of the page's reach (HttpOnly) and never sent cross-site.
    const [cookie] = await context.cookies(consoleUrl);
    expect(cookie).toMatchObject({ name: 'sc_session', httpOnly: true, sameSite: 'Strict', path: '/' });
  }, 30_000);
});
