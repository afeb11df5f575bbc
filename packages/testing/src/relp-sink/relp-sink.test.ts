import { afterEach, describe, expect, it } from 'vitest';
import { RelpSink, sendOverRelp } from './relp-sink.js';

const sinks: RelpSink[] = [];
afterEach(async () => {
  for (const sink of sinks.splice(0)) await sink.stop();
});
const start = async () => {
  const sink = await RelpSink.start();
  sinks.push(sink);
  return sink;
};

describe('RelpSink', () => {
  it('answers open, each syslog transaction and close with 200, and keeps the messages', async () => {
    const sink = await start();
    expect(await sendOverRelp(sink.address, sink.port, ['one', 'two ü\nwith a line feed'])).toEqual([200, 200, 200, 200]);
    expect(sink.messages.map((m) => [m.raw, m.txnr, m.connection])).toEqual([
      ['one', 2, 1],
      ['two ü\nwith a line feed', 3, 1],
    ]);
    expect(sink.frames.map((f) => f.command)).toEqual(['open', 'syslog', 'syslog', 'close']);
    expect(sink.errors).toEqual([]);
  });

  it('refuses sessions or messages with 500 when told to', async () => {
    const sink = await start();
    sink.refuse = 'messages';
    expect(await sendOverRelp(sink.address, sink.port, ['x'])).toEqual([200, 500, 200]);
    expect(sink.messages).toEqual([]);
    sink.refuse = 'open';
    // The refused open is answered; the syslog frame after it ends the connection.
    await expect(sendOverRelp(sink.address, sink.port, ['x'])).rejects.toThrow(/closed after 1 of 3 answers/);
    expect(sink.errors).toEqual(['connection 2: syslog before open']);
  });

  it('drops the connection after N messages, having answered exactly those', async () => {
    const sink = await start();
    sink.dropAfterMessages = 2;
    await expect(sendOverRelp(sink.address, sink.port, ['a', 'b', 'c', 'd'])).rejects.toThrow(/closed after 3 of 6 answers/);
    expect(sink.messages.map((m) => m.raw)).toEqual(['a', 'b']);
    // One-shot: the next session is served normally.
    expect(await sendOverRelp(sink.address, sink.port, ['e'])).toEqual([200, 200, 200]);
  });

  it('reports a client that breaks the framing', async () => {
    const sink = await start();
    await expect(sendOverRelp(sink.address, sink.port, [])).resolves.toEqual([200, 200]);
    const { connect } = await import('node:net');
    const socket = connect({ host: sink.address, port: sink.port });
    socket.on('error', () => undefined);
    socket.write('1 open 99999999999 x\n');
    await new Promise((resolve) => socket.on('close', resolve));
    expect(sink.errors).toEqual([expect.stringMatching(/connection 2: bad DATALEN/)]);
  });
});
