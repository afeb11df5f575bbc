import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

describe('syslog-connector validate', () => {
  it('lists every problem of a broken config with its path and exits 1', async () => {
    const result = await runCli(['validate', '-c', 'fixtures/broken.yaml']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines[0]).toBe('fixtures/broken.yaml is not valid (7 problems):');
    expect(lines.slice(1).map((l) => l.trim()).sort()).toEqual(
      [
        'sources.workbench.token: environment variable SC_TEST_MISSING_TOKEN is not set; export it before starting, or write ${SC_TEST_MISSING_TOKEN:-default}',
        'sources.workbench.region: "mars" is not one of us, eu, jp, sg, au, in, mea, uk, usgov',
        'sources.workbench.pollInterval: "often" is not a duration; write a number and a unit, e.g. 60s, 5m, 24h',
        'destinations.siem.port: must be 1–65535',
        'destinations.siem.format: "gelf" is not one of cef, leef, rfc5424, rfc3164',
        'destinations.siem.colour: is not a known setting here; remove it or check its spelling',
        'destinations.siem.sources[1]: "audit" is not a configured source; use one of workbench',
      ].sort(),
    );
  });

  it('looks past an unknown protocol, a quoted number and an unset variable to list every problem once', async () => {
    const result = await runCli(['validate', '-c', 'fixtures/every-error.yaml']);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines[0]).toBe('fixtures/every-error.yaml is not valid (5 problems):');
    expect(lines.slice(1).map((l) => l.trim()).sort()).toEqual(
      [
        // Only the variable's own issue: the unsubstituted `${…}` is no tenant GUID, but saying so would mislead.
        'sources.mdi.tenantId: environment variable SC_TEST_NOPE_TENANT is not set; export it before starting, or write ${SC_TEST_NOPE_TENANT:-default}',
        // The protocol is unknown, and the keys every destination has are still checked.
        'destinations.siem.protocol: "sctp" is not one of tcp, tls, udp, relp',
        'destinations.siem.port: must be 1–65535',
        'destinations.siem.format: "gelf" is not one of cef, leef, rfc5424, rfc3164',
        'destinations.quoted.port: "601" is a string; write 601',
      ].sort(),
    );
  });

  it('accepts a valid config, summarises it and exits 0', async () => {
    const result = await runCli(['validate', '-c', 'fixtures/valid.yaml'], { env: { SC_TEST_TOKEN: 'tok-123-secret' } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      'fixtures/valid.yaml is valid.\n  sources: workbench (vision-one-workbench)\n  destinations: siem (tcp siem.example.com:601, cef)\n' +
        // What each plugin says it reads from and sends to (describeTarget), created without connecting.
        '  workbench reads Vision One workbench alerts at https://api.eu.xdr.trendmicro.com (company 68960c94-9be6-4343-a4ca-6408de7aa331)\n' +
        '  siem sends to tcp siem.example.com:601\n',
    );
    expect(result.stdout).not.toContain('tok-123-secret');
  });

  it("warns, without failing, that a Vision One source without companyId sends no TrendMicroV1CompanyID", async () => {
    const result = await runCli(['validate', '-c', 'fixtures/no-company-id.yaml'], { env: { SC_TEST_TOKEN: 'tok-123-secret' } });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      'warning: sources.workbench.companyId: is not set, so no event will carry TrendMicroV1CompanyID, which Trend\'s own ' +
        "connector sends on every line. The Vision One API cannot tell us the company ID: copy it (a UUID) from the Vision One " +
        'console and set `companyId: <uuid>`.\n',
    );
    expect(result.stdout).toContain('fixtures/no-company-id.yaml is valid.');
  });

  it('never quotes a value that came from the environment: a secret in the wrong key shows as ${NAME}', async () => {
    const result = await runCli(['validate', '-c', 'fixtures/secret-in-wrong-key.yaml'], { env: { SC_TEST_SECRET: 'hunter2-Secret-value' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('journal.maxSize: ');
    expect(result.stderr).toContain('${SC_TEST_SECRET}');
    expect(`${result.stdout}${result.stderr}`).not.toContain('hunter2');
  });

  it('says where the config was looked for when it does not exist, and exits 1', async () => {
    const result = await runCli(['validate', '-c', 'fixtures/nope.yaml']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'error CONFIG_NOT_FOUND: Config file fixtures/nope.yaml does not exist — pass -c FILE, or create ./syslog-connector.yaml (see the README for an example)\n',
    );
  });

  it('exits 2 on a usage error', async () => {
    const result = await runCli(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown command 'frobnicate'");
  });
});
