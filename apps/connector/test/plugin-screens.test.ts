import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SyslogReceiver } from '@syslog-connector/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

/**
 * The host's screens print what a plugin says, not keys a network transport would have: a transport with a socket
 * `path` and no `address`/`port` (the example Unix-socket plugin, loaded by package name) shows its own target in
 * `validate`, `test-connection` and `send-test` — never `undefined:NaN`.
 */
describe('screens from the plugin', () => {
  let receiver: SyslogReceiver;
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sc-screens-'));
    receiver = await SyslogReceiver.start({ protocol: 'tcp', framing: 'lf', path: join(dir, 'siem.sock') });
  });
  afterEach(async () => {
    await receiver.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const writeConfig = async (): Promise<string> => {
    const path = join(dir, 'config.yaml');
    await writeFile(
      path,
      [
        'instance: screens',
        'plugins: ["@syslog-connector/example-transport-unix"]',
        'sources:',
        '  workbench: { type: vision-one-workbench, baseUrl: "http://127.0.0.1:9", token: unused, companyId: 68960c94-9be6-4343-a4ca-6408de7aa331 }',
        'destinations:',
        '  local:',
        '    protocol: unix-socket',
        '    path: siem.sock',
        '    format: rfc5424',
        '',
      ].join('\n'),
    );
    return path;
  };

  it('validate, test-connection and send-test name the socket the transport writes to', async () => {
    const config = await writeConfig();
    const socket = join(dir, 'siem.sock');

    const validate = await runCli(['validate', '-c', config], { cwd: process.cwd() });
    expect(validate.stderr).toBe('');
    expect(validate.stdout).toContain('local (unix-socket, rfc5424)');

    const check = await runCli(['test-connection', '-c', config, '-d', 'local', '--json'], { cwd: process.cwd(), timeoutMs: 30_000 });
    const report = JSON.parse(check.stdout) as { ok: boolean; destinations: Array<Record<string, unknown>> };
    expect(report.destinations[0]).toMatchObject({ destination: 'local', protocol: 'unix-socket', target: `unix ${socket}`, ok: true });
    expect(report.destinations[0]).not.toHaveProperty('address');
    const text = await runCli(['test-connection', '-c', config, '-d', 'local'], { cwd: process.cwd(), timeoutMs: 30_000 });
    expect(text.stdout).toMatch(new RegExp(`^local: unix ${socket.replaceAll('/', '\\/')}\\n  ok   connect `));

    const sent = await runCli(['send-test', '-c', config], { cwd: process.cwd() });
    expect(sent.stderr).toBe('');
    expect(sent.stdout).toContain(`local: sent to unix ${socket} (the syslog protocol has no acknowledgement: check the server)`);
    for (const out of [validate.stdout, check.stdout, text.stdout, sent.stdout]) expect(out).not.toMatch(/undefined|NaN/);
    const [message] = await receiver.waitFor(1, 5_000);
    expect(message?.parsed).toMatchObject({ hostname: 'screens' });
  }, 60_000);
});
