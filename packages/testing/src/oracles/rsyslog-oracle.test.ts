import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyslogOracle } from './daemon-oracle.js';
import { requireOracle } from './oracle-availability.js';
import { OracleError } from './oracle-error.js';
import { RsyslogOracle } from './rsyslog-oracle.js';
import { createTestPki, type TestPki } from './test-pki.js';
import { lfFramed, octetCounted, sendTcp, sendTls, sendUdp } from './test-sender.js';

// RFC 5424 §6.3.3: '"', '\' and ']' escaped in PARAM-VALUE; MSG starts with a BOM (§6.4).
const RFC5424_WITH_SD =
  '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog 123 ID47 ' +
  '[exampleSDID@32473 iut="3" eventSource="App\\"li\\\\ca\\]tion" eventID="1011"][origin ip="192.0.2.1" software="ü 日本"] ' +
  '\uFEFFAn application event log entry';

// CEF header escapes \| and \\; extension escapes \= \\ \n; unicode; no space after the last header '|'.
const CEF_BODY =
  'CEF:0|Trend\\|Micro|Vision One\\\\X|1.0|WB-9002|Name with = and 日本|8|' +
  'src=10.0.0.1 msg=a\\=b c\\\\d\\ne f 🎉 cs1Label=x|y cs1=tail';
const CEF_EXTENSIONS = { src: '10.0.0.1', msg: 'a=b c\\d\ne f 🎉', cs1Label: 'x|y', cs1: 'tail' };

describe.skipIf(requireOracle('rsyslog'))('RsyslogOracle', () => {
  let dir: string;
  let pki: TestPki;
  let oracle: SyslogOracle;
  let tcp: number, lf: number, udp: number, gtls: number, ossl: number;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rsyslog-oracle-test-'));
    pki = await createTestPki(dir);
    const server = { caFile: pki.caFile, certFile: pki.certFile, keyFile: pki.keyFile };
    oracle = await RsyslogOracle.start({
      parseCef: true,
      inputs: [
        { protocol: 'tcp' },
        { protocol: 'tcp', framing: 'lf' },
        { protocol: 'udp' },
        { protocol: 'tls', tls: { ...server, driver: 'gtls' } },
        { protocol: 'tls', tls: { ...server, driver: 'ossl', clientAuth: 'required' } },
      ],
    });
    [tcp, lf, udp, gtls, ossl] = oracle.ports as [number, number, number, number, number];
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
      timestamp: '2003-10-11T22:14:15.003Z',
      hostname: 'mymachine.example.com',
      appName: 'evntslog',
      procId: '123',
      msgId: 'ID47',
      structuredData: {
        'exampleSDID@32473': { iut: '3', eventSource: 'App"li\\ca]tion', eventID: '1011' },
        origin: { ip: '192.0.2.1', software: 'ü 日本' },
      },
      msg: '\uFEFFAn application event log entry', // rsyslog keeps the BOM
    });
    expect(record?.cef).toBeUndefined();
  });

  it('parses RFC 3164 with TAG and PID, keeping the space after the colon in MSG', async () => {
    await sendTcp(tcp, octetCounted(['<13>Oct  1 02:03:04 web01 sshd[4242]: Accepted key for alice']));
    const [record] = await oracle.received(1);
    expect(record).toMatchObject({
      pri: 13,
      facility: 1,
      severity: 5,
      hostname: 'web01',
      appName: 'sshd',
      procId: '4242',
      msgId: null,
      structuredData: {},
      msg: ' Accepted key for alice',
    });
    expect(record?.timestamp).toMatch(/^\d{4}-10-01T02:03:04(?:Z|\+00:00)$/); // the year is rsyslog's guess
  });

  it('decodes CEF in RFC 5424 MSG with mmnormalize, first extension key intact without a leading space', async () => {
    await sendTcp(tcp, octetCounted([`<134>1 2024-05-06T07:08:09.123456+02:00 host.example vision-one 42 WB - ${CEF_BODY}`]));
    const [record] = await oracle.received(1);
    expect(record).toMatchObject({ pri: 134, timestamp: '2024-05-06T07:08:09.123456+02:00', appName: 'vision-one', msg: CEF_BODY });
    expect(record?.cef).toEqual({
      version: '0',
      vendor: 'Trend|Micro',
      product: 'Vision One\\X',
      deviceVersion: '1.0',
      signatureId: 'WB-9002',
      name: 'Name with = and 日本',
      severity: '8',
      extensions: CEF_EXTENSIONS,
    });
  });

  it('decodes CEF after an RFC 3164 header, where rsyslog takes `CEF:` for the TAG', async () => {
    await sendTcp(tcp, octetCounted([`<14>May  6 07:08:09 host ${CEF_BODY}`]));
    const [record] = await oracle.received(1);
    expect(record).toMatchObject({ hostname: 'host', appName: 'CEF', msg: CEF_BODY.slice('CEF:'.length) });
    expect(record?.cef).toMatchObject({ vendor: 'Trend|Micro', extensions: CEF_EXTENSIONS });
  });

  it('reports a CEF line liblognorm rejects (empty last value) as an error, not as fields', async () => {
    await sendTcp(tcp, octetCounted(['<14>1 - h a - - - CEF:0|V|P|1|2|N|5|src=1.2.3.4 k=']));
    const [record] = await oracle.received(1);
    expect(record?.cef).toEqual({ error: expect.stringContaining('liblognorm rejected') as unknown, input: 'CEF:0|V|P|1|2|N|5| src=1.2.3.4 k=' });
  });

  it('reads LF-framed messages on an input with octet counting off', async () => {
    await sendTcp(lf, lfFramed(['<14>1 2024-01-02T03:04:05Z h app - - - 12 apples', '<13>Jan  2 03:04:05 h app: two']));
    const records = await oracle.received(2);
    expect(records.map((r) => r.msg)).toEqual(['12 apples', ' two']);
  });

  it('reads one message per UDP datagram', async () => {
    await sendUdp(udp, ['<14>1 2024-01-02T03:04:05Z h app - - [x@1 a="b"] over udp']);
    const [record] = await oracle.received(1);
    expect(record).toMatchObject({ structuredData: { 'x@1': { a: 'b' } }, msg: 'over udp' });
  });

  it('receives over TLS with the gtls driver, verified against the test CA', async () => {
    await sendTls(gtls, octetCounted(['<14>1 2024-01-02T03:04:05Z h app - - - over gtls']), { caFile: pki.caFile });
    const [record] = await oracle.received(1);
    expect(record?.msg).toBe('over gtls');
  });

  it('receives over TLS with the ossl driver when the client presents a certificate', async () => {
    const files = { caFile: pki.caFile, clientCertFile: pki.clientCertFile, clientKeyFile: pki.clientKeyFile };
    await sendTls(ossl, octetCounted(['<14>1 2024-01-02T03:04:05Z h app - - - over ossl']), files);
    const [record] = await oracle.received(1);
    expect(record?.msg).toBe('over ossl');
  });

  it('makes a client without a certificate fail with a TLS 1.3 alert on the ossl driver', async () => {
    const sent = sendTls(ossl, octetCounted(['<14>1 - h app - - - no cert']), { caFile: pki.caFile });
    await expect(sent).rejects.toMatchObject({ code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' });
    await expect(oracle.received(1, 300)).rejects.toMatchObject({ code: 'ORACLE_TIMEOUT' });
  });

  it('fails with ORACLE_TIMEOUT, naming the count, when fewer messages arrive', async () => {
    await sendTcp(tcp, octetCounted(['<14>1 - h app - - - left over']));
    await expect.poll(() => oracle.discardReceived()).toBe(1);
    const error = await oracle.received(2, 100).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OracleError);
    expect(error).toMatchObject({ code: 'ORACLE_TIMEOUT', message: expect.stringContaining('0 of 2') as unknown });
  });
});

describe.skipIf(requireOracle('rsyslog'))('RsyslogOracle start', () => {
  it('surfaces the text of rsyslogd -N1 when the generated config is rejected', async () => {
    const start = RsyslogOracle.start({ inputs: [{ protocol: 'tcp' }], maxMessageSize: -1 });
    await expect(start).rejects.toMatchObject({ code: 'ORACLE_CONFIG', details: expect.stringMatching(/maxMessageSize|error/i) as unknown });
  });

  it('shows what a stock rsyslog does to control characters when asked to escape them', async () => {
    const oracle = await RsyslogOracle.start({ inputs: [{ protocol: 'tcp' }], escapeControlCharactersOnReceive: true });
    try {
      await sendTcp(oracle.ports[0] as number, octetCounted(['<14>1 - h app - - - a\tb']));
      const [record] = await oracle.received(1);
      expect(record?.msg).toBe('a#011b');
    } finally {
      await oracle.stop();
    }
  });
});

describe.skipIf(requireOracle('rsyslog'))('RsyslogOracle restart (fault tests)', () => {
  it('restarts on the same port, keeps what arrived before, and takeReceived hands over what is there', async () => {
    await using oracle = await RsyslogOracle.start({ inputs: [{ protocol: 'tcp' }] });
    const port = oracle.ports[0] as number;
    const line = (n: number) => `<14>1 2026-12-05T10:00:00Z host app - - - message ${n}`;
    await sendTcp(port, octetCounted([line(1), line(2)]));
    await oracle.received(1);
    await oracle.restart();
    expect(oracle.ports).toEqual([port]);
    await sendTcp(port, octetCounted([line(3)]));
    expect((await oracle.received(2)).map((r) => r.msg)).toEqual(['message 2', 'message 3']);
    expect(await oracle.takeReceived()).toEqual([]);
    await sendTcp(port, octetCounted([line(4)]));
    for (const deadline = Date.now() + 5_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 20))) {
      const taken = await oracle.takeReceived();
      if (taken.length === 0) continue;
      expect(taken.map((r) => r.msg)).toEqual(['message 4']);
      return;
    }
    throw new Error('message 4 did not arrive');
  });
});
