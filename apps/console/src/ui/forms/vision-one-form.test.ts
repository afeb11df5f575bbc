import { describe, expect, it } from 'vitest';
import type { VisionOneScreen } from '../../api.js';
import { checkServer, checkVisionOneForm, formFromScreen, saveRequest, serverDraft, serverLabel, toggled } from './vision-one-form.js';

const screen: VisionOneScreen = {
  revision: 'r1',
  connection: { region: 'eu', apiToken: { set: true } },
  dataTypes: { workbench: true, oat: { enabled: true, riskLevels: ['critical', 'high'] }, audit: { enabled: false, logTypes: [] } },
  servers: [
    {
      id: 'siem',
      address: 'siem.example.com',
      port: 6514,
      protocol: 'tls',
      format: 'cef',
      caCertificate: { subject: 'CN=ca', issuer: 'CN=ca', notBefore: 0, notAfter: 1, fingerprint: 'AA' },
      clientKey: { set: false },
      passphrase: { set: false },
    },
  ],
  sourceIds: { workbench: 'workbench', oat: 'oat' },
};

describe('the Vision One form', () => {
  it('sends back what it read, keeping the set token and the saved CA ("keep")', () => {
    expect(saveRequest(formFromScreen(screen))).toEqual({
      revision: 'r1',
      connection: { region: 'eu' },
      dataTypes: screen.dataTypes,
      servers: [{ id: 'siem', address: 'siem.example.com', port: 6514, protocol: 'tls', format: 'cef', caCertificate: 'keep', clientCertificate: null }],
    });
  });

  it('sends a typed token and a base URL instead of a region', () => {
    const form = { ...formFromScreen(screen), apiToken: 'new-token', target: { kind: 'baseUrl' as const, baseUrl: ' http://127.0.0.1:8080 ' } };
    expect(saveRequest(form).connection).toEqual({ baseUrl: 'http://127.0.0.1:8080', apiToken: 'new-token' });
  });

  it('needs at least one data type, and a level or log type under each ticked one', () => {
    const form = formFromScreen(screen);
    expect(checkVisionOneForm(form)).toEqual([]);
    const none = { ...form, dataTypes: { workbench: false, oat: { enabled: false, riskLevels: [] }, audit: { enabled: false, logTypes: [] } } };
    expect(checkVisionOneForm(none).map((i) => i.field)).toEqual(['dataTypes']);
    const empty = { ...form, dataTypes: { workbench: false, oat: { enabled: true, riskLevels: [] }, audit: { enabled: true, logTypes: [] } } };
    expect(checkVisionOneForm(empty).map((i) => i.field)).toEqual(['dataTypes.oat.riskLevels', 'dataTypes.audit.logTypes']);
  });

  it('needs an API token when none is set', () => {
    const form = { ...formFromScreen(screen), apiTokenSet: false };
    expect(checkVisionOneForm(form).map((i) => i.field)).toEqual(['connection.apiToken']);
  });

  it('sends no certificate for a TCP or UDP server', () => {
    const entry = { address: 'a', port: 601, protocol: 'tcp' as const, format: 'cef' as const, ca: { kind: 'upload' as const, id: 'u1', summary: { subject: '', issuer: '', notBefore: 0, notAfter: 0, fingerprint: '' } }, client: { kind: 'keep' as const } };
    expect(serverDraft(entry)).toEqual({ address: 'a', port: 601, protocol: 'tcp', format: 'cef', caCertificate: null, clientCertificate: null });
    expect(serverDraft({ ...entry, protocol: 'tls' })).toMatchObject({ caCertificate: 'u1', clientCertificate: 'keep' });
  });

  it('checks a server\'s address and port before testing it', () => {
    expect(checkServer({ address: ' ', port: 0 }).map((i) => i.field)).toEqual(['address', 'port']);
    expect(checkServer({ address: 'siem local', port: 65_536 }).map((i) => i.field)).toEqual(['address', 'port']);
    expect(checkServer({ address: '10.0.0.1', port: 514 })).toEqual([]);
  });

  it('toggles a level in the offered order and keeps a level the page does not offer', () => {
    const order = ['critical', 'high', 'medium'] as const;
    expect(toggled(['medium'], 'critical', true, order)).toEqual(['critical', 'medium']);
    expect(toggled(['critical', 'low' as 'high'], 'critical', false, order)).toEqual(['low']);
  });

  it('names a server by address and port, bracketing an IPv6 address', () => {
    expect(serverLabel({ address: '::1', port: 6514 })).toBe('[::1]:6514');
    expect(serverLabel({ address: 'siem', port: 514 })).toBe('siem:514');
  });
});
