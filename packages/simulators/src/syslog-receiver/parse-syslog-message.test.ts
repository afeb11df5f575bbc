import { describe, expect, it } from 'vitest';
import { parseSyslogMessage } from './parse-syslog-message.js';

describe('parseSyslogMessage — RFC 5424', () => {
  it('reads every header field, structured data with escapes, the BOM and a CEF body', () => {
    const raw =
      '<165>1 2003-10-11T22:14:15.003000+02:00 mymachine.example.com evntslog 1234 ID47 ' +
      '[exampleSDID@32473 iut="3" eventSource="Appli\\"cation\\] \\\\ \\x" eventSource="again"][meta sequenceId="1"] ' +
      '\uFEFFCEF:0|Trend Micro|Vision One|1.0|100101|Name|8|rt=1 msg=hi';
    expect(parseSyslogMessage(raw)).toEqual({
      format: 'rfc5424',
      pri: 165,
      facility: 20,
      severity: 5,
      version: 1,
      timestamp: '2003-10-11T22:14:15.003000+02:00',
      hostname: 'mymachine.example.com',
      appName: 'evntslog',
      procId: '1234',
      msgId: 'ID47',
      structuredData: [
        {
          id: 'exampleSDID@32473',
          params: [
            ['iut', '3'],
            ['eventSource', 'Appli"cation] \\ \\x'],
            ['eventSource', 'again'],
          ],
        },
        { id: 'meta', params: [['sequenceId', '1']] },
      ],
      bom: true,
      msg: 'CEF:0|Trend Micro|Vision One|1.0|100101|Name|8|rt=1 msg=hi',
      cef: {
        version: '0',
        vendor: 'Trend Micro',
        product: 'Vision One',
        deviceVersion: '1.0',
        signatureId: '100101',
        name: 'Name',
        severity: '8',
        extensions: { rt: '1', msg: 'hi' },
      },
    });
  });

  it('turns NILVALUE fields into null and tells an absent MSG from an empty one', () => {
    expect(parseSyslogMessage('<0>1 - - - - - -')).toEqual({
      format: 'rfc5424',
      pri: 0,
      facility: 0,
      severity: 0,
      version: 1,
      timestamp: null,
      hostname: null,
      appName: null,
      procId: null,
      msgId: null,
      structuredData: [],
      bom: false,
      msg: null,
      cef: null,
    });
    const empty = parseSyslogMessage('<191>1 2024-02-29T23:59:59Z h a p m - ');
    expect(empty).toMatchObject({ pri: 191, facility: 23, severity: 7, timestamp: '2024-02-29T23:59:59Z', msg: '' });
  });

  it.each([
    ['1 - - - - -', 'a syslog message starts with <PRI>, 1 to 3 digits in angle brackets'],
    ['<013>1 - - - - - -', 'PRI <013> has a leading zero'],
    ['<192>1 - - - - - -', 'PRI 192 is above 191 (facility 23 × 8 + severity 7)'],
    ['<13>2 - - - - - -', 'VERSION "2" is not RFC 5424\'s "1 "'],
    ['<13>2024-01-01T00:00:00Z host x', 'VERSION "202" is not RFC 5424\'s "1 "'],
    ['<13>1 2003-10-11t22:14:15Z h a p m -', 'TIMESTAMP "2003-10-11t22:14:15Z" is not YYYY-MM-DDThh:mm:ss[.1–6 digits](Z|±hh:mm)'],
    ['<13>1 2003-10-11T22:14:15.1234567Z h a p m -', 'TIMESTAMP "2003-10-11T22:14:15.1234567Z" is not YYYY-MM-DDThh:mm:ss'],
    ['<13>1 2023-02-29T00:00:00Z h a p m -', 'TIMESTAMP "2023-02-29T00:00:00Z" is not a real time'],
    ['<13>1 2023-06-30T23:59:60Z h a p m -', 'TIMESTAMP "2023-06-30T23:59:60Z" is not a real time'],
    [`<13>1 - h ${'a'.repeat(49)} p m -`, 'APP-NAME is 49 characters; the limit is 48'],
    [`<13>1 - h a p ${'m'.repeat(33)} -`, 'MSGID is 33 characters; the limit is 32'],
    ['<13>1 - höst a p m -', 'HOSTNAME has the character U+00F6: only printable ASCII (33–126) is allowed'],
    ['<13>1 - h  a p m -', 'APP-NAME is empty (two spaces in a row); write - for no value'],
    ['<13>1 - h a p m', 'the message ends inside MSGID'],
    ['<13>1 - h a p m [x@1 a="1"]x', 'STRUCTURED-DATA must be followed by a space and MSG, or end the message'],
    ['<13>1 - h a p m [x@1 a="1"][x@1 b="2"]', 'SD-ID x@1 appears twice (§6.3.2)'],
    ['<13>1 - h a p m [custom a="1"]', 'SD-ID custom has no @'],
    ['<13>1 - h a p m [x@1 a="]"]', 'PARAM-VALUE of a has an unescaped ]: write it as \\]'],
    ['<13>1 - h a p m [x@1 a="1', 'PARAM-VALUE of a has no closing "'],
    ['<13>1 - h a p m [x@1 a=1]', 'PARAM-NAME a must be followed by ="'],
    ['<13>1 - h a p m - CEF:0|V|P|1|s|n|1|url=a=b', 'the value of url has an unescaped "="'],
  ])('rejects %j', (raw, message) => {
    expect(() => parseSyslogMessage(raw)).toThrow(message);
  });
});

describe('parseSyslogMessage — RFC 3164', () => {
  it('reads PRI, the space-padded day, HOSTNAME, TAG[pid] and CONTENT', () => {
    expect(parseSyslogMessage('<34>Oct  1 22:14:15 mymachine su[230]: \'su root\' failed')).toEqual({
      format: 'rfc3164',
      pri: 34,
      facility: 4,
      severity: 2,
      timestamp: 'Oct  1 22:14:15',
      hostname: 'mymachine',
      tag: 'su',
      pid: '230',
      content: "'su root' failed",
      msg: "su[230]: 'su root' failed",
      cef: null,
    });
  });

  it('decodes a CEF body after the prefix the Trend connector uses', () => {
    const parsed = parseSyslogMessage('<14>Dec 15 05:26:45 sensor-01 CEF:0|Trend Micro|Vision One|1.0|WB-1|Alert \\| x|7|rt=1 cnt=2');
    expect(parsed).toEqual({
      format: 'rfc3164',
      pri: 14,
      facility: 1,
      severity: 6,
      timestamp: 'Dec 15 05:26:45',
      hostname: 'sensor-01',
      tag: 'CEF',
      pid: null,
      content: '0|Trend Micro|Vision One|1.0|WB-1|Alert \\| x|7|rt=1 cnt=2',
      msg: 'CEF:0|Trend Micro|Vision One|1.0|WB-1|Alert \\| x|7|rt=1 cnt=2',
      cef: {
        version: '0',
        vendor: 'Trend Micro',
        product: 'Vision One',
        deviceVersion: '1.0',
        signatureId: 'WB-1',
        name: 'Alert | x',
        severity: '7',
        extensions: { rt: '1', cnt: '2' },
      },
    });
  });

  it('keeps a MSG without a tag as content', () => {
    expect(parseSyslogMessage('<13>Jan 31 00:00:00 host just some text')).toMatchObject({ tag: null, pid: null, content: 'just some text' });
  });

  it.each([
    ['<13>Oct 01 22:14:15 host x', '"Oct 01 22:14:15" is neither an RFC 5424 VERSION nor an RFC 3164 TIMESTAMP'],
    ['<13>Oct  1 24:00:00 host x', 'TIMESTAMP "Oct  1 24:00:00" is not a real time'],
    ['<13>Oct  1 22:14:15 ', 'HOSTNAME is missing or not printable ASCII'],
  ])('rejects %j', (raw, message) => {
    expect(() => parseSyslogMessage(raw)).toThrow(message);
  });
});
