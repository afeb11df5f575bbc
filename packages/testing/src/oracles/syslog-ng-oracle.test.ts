import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyslogOracle } from './daemon-oracle.js';
import { requireOracle } from './oracle-availability.js';
import { SyslogNgOracle } from './syslog-ng-oracle.js';
import { createTestPki, type TestPki } from './test-pki.js';
import { lfFramed, octetCounted, sendTcp, sendTls, sendUdp } from './test-sender.js';

// RFC 5424 §6.3.3: '"', '\' and ']' escaped in PARAM-VALUE; MSG starts with a BOM (§6.4).
const RFC5424_WITH_SD =
  '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog 123 ID47 ' +
  '[exampleSDID@32473 iut="3" eventSource="App\\"li\\\\ca\\]tion" eventID="1011"][origin ip="192.0.2.1" software="ü 日本"] ' +
  '\uFEFFAn application event log entry';

describe.skipIf(requireOracle('syslog-ng'))('SyslogNgOracle', () => {
  let dir: string;
  let pki: TestPki;
  let oracle: SyslogOracle;
  let tcp: number, lf: number, udp: number, tls: number, mtls: number;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'syslog-ng-oracle-test-'));
    pki = await createTestPki(dir);
    const server = { caFile: pki.caFile, certFile: pki.certFile, keyFile: pki.keyFile };
    oracle = await SyslogNgOracle.start({
      inputs: [
        { protocol: 'tcp' },
        { protocol: 'tcp', framing: 'lf' },
        { protocol: 'udp' },
        { protocol: 'tls', tls: server },
        { protocol: 'tls', tls: { ...server, clientAuth: 'required' } },
      ],
    });
    [tcp, lf, udp, tls, mtls] = oracle.ports as [number, number, number, number, number];
  });

  afterAll(async () => {
    await oracle?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('decodes an RFC 5424 header and structured data with escaped quote, backslash and bracket', async () => {
    await sendTcp(tcp, octetCounted([RFC5424_WITH_SD]));
    const [record] = await oracle.received(1);
    expect(record).toMatchObject({
      pri: 165,
      facility: 20,
      severity: 5,
      timestamp: '2003-10-11T22:14:15.003000+00:00',
      hostname: 'mymachine.example.com',
      appName: 'evntslog',
      procId: '123',
      msgId: 'ID47',
      structuredData: {
        'exampleSDID@32473': { iut: '3', eventSource: 'App"li\\ca]tion', eventID: '1011' },
        origin: { ip: '192.0.2.1', software: 'ü 日本' },
      },
      msg: 'An application event log entry', // syslog-ng removes the BOM
    });
  });

  it('keeps the sender timestamp offset and reads nil PROCID and MSGID as absent', async () => {
    await sendTcp(tcp, octetCounted(['<14>1 2024-05-06T07:08:09.123456+02:00 host.example app - - - text']));
    const [record] = await oracle.received(1);
    expect(record).toMatchObject({ timestamp: '2024-05-06T07:08:09.123456+02:00', procId: null, msgId: null, structuredData: {}, msg: 'text' });
  });

  it('parses RFC 3164 with TAG and PID and no space left in MSG', async () => {
    await sendTcp(tcp, octetCounted(['<13>Oct  1 02:03:04 web01 sshd[4242]: Accepted key for alice']));
    const [record] = await oracle.received(1);
    expect(record).toMatchObject({ pri: 13, hostname: 'web01', appName: 'sshd', procId: '4242', msgId: null, msg: 'Accepted key for alice' });
    expect(record?.timestamp).toMatch(/^\d{4}-10-01T02:03:04\.000000\+00:00$/);
  });

  it('reads LF-framed RFC 5424 and RFC 3164 on a network() source with syslog-protocol', async () => {
    await sendTcp(lf, lfFramed(['<14>1 2024-01-02T03:04:05Z h app p m [x@1 a="b"] five424', '<13>Jan  2 03:04:05 h app: three164']));
    const records = await oracle.received(2);
    expect(records.map((r) => [r.appName, r.procId, r.msgId, r.structuredData, r.msg])).toEqual([
      ['app', 'p', 'm', { 'x@1': { a: 'b' } }, 'five424'],
      ['app', null, null, {}, 'three164'],
    ]);
  });

  it('reads one message per UDP datagram', async () => {
    await sendUdp(udp, ['<14>1 2024-01-02T03:04:05Z h app - - [x@1 a="b"] over udp']);
    const [record] = await oracle.received(1);
    expect(record).toMatchObject({ structuredData: { 'x@1': { a: 'b' } }, msg: 'over udp' });
  });

  it('receives over TLS, and over mutual TLS when the client presents a certificate', async () => {
    await sendTls(tls, octetCounted(['<14>1 2024-01-02T03:04:05Z h app - - - over tls']), { caFile: pki.caFile });
    const files = { caFile: pki.caFile, clientCertFile: pki.clientCertFile, clientKeyFile: pki.clientKeyFile };
    await sendTls(mtls, octetCounted(['<14>1 2024-01-02T03:04:05Z h app - - - over mtls']), files);
    const records = await oracle.received(2);
    expect(records.map((r) => r.msg).sort()).toEqual(['over mtls', 'over tls']);
  });

  it('makes a client without a certificate fail with a TLS 1.3 alert when one is required', async () => {
    const sent = sendTls(mtls, octetCounted(['<14>1 - h app - - - no cert']), { caFile: pki.caFile });
    await expect(sent).rejects.toMatchObject({ code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' });
  });

  it('splits SD-ID from PARAM-NAME at the last dot, as syslog-ng itself does (dotted names do not survive)', async () => {
    await sendTcp(tcp, octetCounted(['<14>1 2024-01-02T03:04:05Z h app - - [ex.a@1 k.y="v" plain="w"] x']));
    const [record] = await oracle.received(1);
    expect(record?.structuredData).toEqual({ 'ex.a@1.k': { y: 'v' }, 'ex.a@1': { plain: 'w' } });
  });

  it('replaces a nil HOSTNAME with the sender address despite keep-hostname(yes)', async () => {
    await sendTcp(tcp, octetCounted(['<14>1 2024-01-02T03:04:05Z - app - - - x']));
    const [record] = await oracle.received(1);
    expect(record?.hostname).toBe('127.0.0.1');
  });
});
