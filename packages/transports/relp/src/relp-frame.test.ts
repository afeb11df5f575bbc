import { describe, expect, it } from 'vitest';
import { encodeFrame, encodeSyslogFrames, MAX_TXNR, nextTxnr, parseOffers, parseResponse, RelpFrameDecoder, RelpFramingError } from './relp-frame.js';

describe('RELP frames', () => {
  it('encodes TXNR SP COMMAND SP DATALEN SP DATA LF, DATALEN in bytes', () => {
    expect(encodeFrame(1, 'open', 'relp_version=0').toString()).toBe('1 open 14 relp_version=0\n');
    expect(encodeFrame(7, 'syslog', 'ü✓😀').toString()).toBe('7 syslog 9 ü✓😀\n');
  });

  it('encodes an empty DATA as DATALEN 0 without the SP (relp.html: "[SP DATA]")', () => {
    expect(encodeFrame(3, 'close').toString()).toBe('3 close 0\n');
    expect(encodeSyslogFrames([''], 0, 1, 4).toString()).toBe('4 syslog 0\n');
  });

  it('encodes a group of syslog frames exactly as frame by frame, a LF inside a message included', () => {
    const messages = ['a', 'line\nbreak', 'ünï', '', 'x'.repeat(1000)];
    const expected = Buffer.concat(messages.map((m, k) => encodeFrame(10 + k, 'syslog', m)));
    expect(encodeSyslogFrames(messages, 0, messages.length, 10)).toEqual(expected);
    expect(encodeSyslogFrames(messages, 1, 2, 5).toString()).toBe('5 syslog 10 line\nbreak\n6 syslog 5 ünï\n');
  });

  it('wraps transaction numbers after 999 999 999 to 1', () => {
    expect(nextTxnr(MAX_TXNR)).toBe(1);
    expect(encodeSyslogFrames(['a', 'b', 'c'], 0, 3, MAX_TXNR - 1).toString()).toBe('999999998 syslog 1 a\n999999999 syslog 1 b\n1 syslog 1 c\n');
  });

  it('decodes frames split at every possible byte', () => {
    const wire = Buffer.from('1 rsp 6 200 OK\n2 rsp 0\n0 serverclose 0\n3 rsp 15 200 OK\nab\ncd=ef\n');
    for (let cut = 1; cut < wire.length; cut++) {
      const decoder = new RelpFrameDecoder();
      const frames = [...decoder.push(wire.subarray(0, cut)), ...decoder.push(wire.subarray(cut))];
      expect(frames.map((f) => [f.txnr, f.command, f.data.toString()])).toEqual([
        [1, 'rsp', '200 OK'],
        [2, 'rsp', ''],
        [0, 'serverclose', ''],
        [3, 'rsp', '200 OK\nab\ncd=ef'],
      ]);
    }
  });

  it('refuses what breaks the grammar', () => {
    expect(() => new RelpFrameDecoder().push(Buffer.from('x rsp 0\n'))).toThrow(RelpFramingError);
    expect(() => new RelpFrameDecoder().push(Buffer.from('1 rsp 2 OKX'))).toThrow(/TRAILER/);
    expect(() => new RelpFrameDecoder().push(Buffer.from('1 rsp 5\n'))).toThrow(RelpFramingError);
    expect(() => new RelpFrameDecoder().push(Buffer.from('1 rsp 9999999 '))).toThrow(/announces/);
  });

  it('reads a rsp code, its text and its data lines', () => {
    expect(parseResponse(Buffer.from('200 OK\nrelp_version=0\ncommands=syslog'))).toEqual({ code: 200, message: 'OK', data: 'relp_version=0\ncommands=syslog' });
    expect(parseResponse(Buffer.from('500 error: no space'))).toEqual({ code: 500, message: 'error: no space', data: '' });
    expect(parseResponse(Buffer.alloc(0))).toEqual({ code: 200, message: '', data: '' });
    expect(() => parseResponse(Buffer.from('OK'))).toThrow(RelpFramingError);
    expect(parseOffers('relp_version=0\nrelp_software=librelp,1.11.0,http://librelp.adiscon.com\ncommands=syslog')).toEqual(
      new Map([
        ['relp_version', '0'],
        ['relp_software', 'librelp,1.11.0,http://librelp.adiscon.com'],
        ['commands', 'syslog'],
      ]),
    );
  });
});
