import { cefTimestampFromEpochMs, type SecurityEvent } from '@syslog-connector/core';
import type { Container } from 'inversify';
import { ids } from '../container/create-container.js';
import { transportTarget } from '../plugins/plugin-target.js';
import { type CommandIo, EXIT, reportError } from './command-context.js';
import { withDestinations } from './destination-selection.js';

/** The recognisable test event: its own signature id and message, the instance name and the time it was sent. */
export const testEvent = (instance: string, now: number): SecurityEvent => ({
  key: `syslog-connector-test-${now}`,
  source: 'syslog-connector',
  type: 'test-message',
  time: now,
  raw: { test: true, instance, sentAt: new Date(now).toISOString() },
  record: {
    vendor: 'syslog-connector',
    product: 'syslog-connector',
    version: '1',
    signatureId: 'syslog-connector-test',
    name: 'syslog-connector test message',
    severity: 1,
    extensions: [
      ['msg', `Test message from syslog-connector instance ${instance}; if you can read this, delivery works.`],
      ['dvchost', instance],
      ['rt', cefTimestampFromEpochMs(now, 'epoch-ms')],
    ],
  },
});

/**
 * Sends the test event through one destination of `container`: its real formatter and transport, then closes the
 * transport, so it resolves only once the connection ended cleanly. Returns the message as sent, where it went (as
 * the transport describes it; `protocol` when it does not) and whether the server acknowledged it. Used by
 * `send-test` and the console's "Send test Syslog message".
 */
export const sendTestMessage = async (
  container: Container,
  id: string,
  instance: string,
  now: number,
  signal: AbortSignal,
  protocol = 'destination',
): Promise<{ readonly message: string; readonly target: string; readonly acknowledged: boolean }> => {
  const formatter = await container.getAsync(ids.formatter, { name: id });
  const transport = await container.getAsync(ids.transport, { name: id });
  const message = formatter.format(testEvent(instance, now));
  await transport.send([message], signal);
  // Flush and close now, so that "sent" is only reported once the connection ended cleanly.
  await transport.close();
  return { message, target: transportTarget(transport, protocol), acknowledged: transport.acknowledged === true };
};

/** `syslog-connector send-test`: one test event through each destination's real formatter and transport. */
export const sendTestCommand = async (configPath: string, io: CommandIo, options: { readonly destination?: string }): Promise<number> =>
  withDestinations(configPath, io, options.destination, async ({ loaded, selected, container, signal }) => {
    let ok = true;
    for (const id of selected) {
      try {
        const now = Date.now();
        const protocol = String(loaded.config.destinations[id]?.protocol);
        const { message, target, acknowledged } = await sendTestMessage(container, id, loaded.config.instance, now, signal, protocol);
        io.stdout.write(
          `${id}: sent to ${target}` +
            (acknowledged
              ? ' (the server acknowledged it)'
              : protocol === 'udp'
                ? ' (UDP cannot confirm arrival)'
                : ' (the syslog protocol has no acknowledgement: check the server)') +
            `\n  look for: signature id syslog-connector-test, instance ${loaded.config.instance}, sent at ${new Date(now).toISOString()}\n  ${message}\n`,
        );
      } catch (error) {
        ok = false;
        io.stdout.write(`${id}: not sent\n`);
        reportError(error, io);
      }
    }
    return ok ? EXIT.ok : EXIT.failed;
  });

