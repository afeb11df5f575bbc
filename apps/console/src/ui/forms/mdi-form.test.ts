import { describe, expect, it } from 'vitest';
import type { MdiScreen } from '../../api.js';
import { checkMdiForm, mdiFormFromScreen, mdiSaveRequest } from './mdi-form.js';

const unconfigured: MdiScreen = {
  revision: 'r0',
  configured: false,
  graph: { tenantId: '', clientId: '', clientSecret: { set: false } },
  notifications: { newAlerts: true, updatedAlerts: false, healthIssues: true },
};

describe('the MDI form', () => {
  it('starts from MDI\'s defaults when no syslog service is configured: port 514, UDP, RFC 5424', () => {
    const form = mdiFormFromScreen(unconfigured);
    expect(form).toMatchObject({ port: '514', transport: 'udp', format: 'rfc5424', endpoint: '' });
  });

  it('lists every missing field at once, and needs one notification', () => {
    const form = { ...mdiFormFromScreen(unconfigured), port: '70000', notifications: { newAlerts: false, updatedAlerts: false, healthIssues: false } };
    expect(checkMdiForm(form).map((i) => i.field)).toEqual(['graph.tenantId', 'graph.clientId', 'graph.clientSecret', 'syslog.endpoint', 'syslog.port', 'notifications']);
  });

  it('sends the secret only when one was typed', () => {
    const form = { ...mdiFormFromScreen({ ...unconfigured, graph: { tenantId: 't', clientId: 'c', clientSecret: { set: true } } }), endpoint: 'siem', port: ' 1514 ' };
    expect(checkMdiForm(form)).toEqual([]);
    expect(mdiSaveRequest(form)).toEqual({
      revision: 'r0',
      graph: { tenantId: 't', clientId: 'c' },
      syslog: { endpoint: 'siem', port: 1514, transport: 'udp', format: 'rfc5424' },
      notifications: unconfigured.notifications,
    });
    expect(mdiSaveRequest({ ...form, clientSecret: 's3cret' }).graph).toEqual({ tenantId: 't', clientId: 'c', clientSecret: 's3cret' });
  });
});
