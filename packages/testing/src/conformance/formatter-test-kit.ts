import { readFileSync } from 'node:fs';
import {
  SyslogConnectorError,
  configPlace,
  isPluginDefinition,
  type PluginPlace,
  type CefExtension,
  type CefRecord,
  type Formatter,
  type HostIdentity,
  type SecurityEvent,
} from '@syslog-connector/core';
import { afterAll, beforeAll, expect } from 'vitest';
import type { SyslogOracle } from '../oracles/daemon-oracle.js';
import type { ParsedRecord } from '../oracles/parsed-record.js';
import { hostileSecurityEvents } from './hostile-security-events.js';
import { sendOctetCounted } from './octet-counting-sender.js';
import { RecordingMetrics } from './recording-metrics.js';
import { FORMATTER_SAMPLE_EVENTS, TREND_WORKBENCH_ALERT_SAMPLE } from './sample-events.js';
import { visionOneEventCorpus } from './vision-one-event-corpus.js';

/*
 * What the formatter packages' own tests (unit, round trip, interop, README) share. Expected values stay in each
 * package's tests; this file holds only fixtures and the reference rules every format restates the same way.
 */

/**
 * The host the formatter tests run as: instance `sensor-01.example.com` (what formats write as HOSTNAME) and a
 * machine name no format writes, so a formatter that wrote it instead would show.
 */
export const FORMATTER_TEST_HOST: HostIdentity = Object.freeze({ instance: 'sensor-01.example.com', hostname: 'build-box' });

/** The services a formatter class under test is built with. */
export interface FormatterTestDeps {
  readonly host: HostIdentity;
  readonly metrics: RecordingMetrics;
}

/** A plugin's options schema (its zod object): parses raw options into the formatter's options. */
export interface FormatterOptionsSchema<O> {
  parse(options: unknown): O;
}

/** A formatter class: built from parsed options and its deps. */
export type FormatterClass<O, F extends Formatter> = new (options: O, deps: FormatterTestDeps) => F;

/** A formatter made by `formatterMaker`, with its own metrics and the options it was parsed with. */
export interface MadeFormatter<O, F extends Formatter> {
  readonly formatter: F;
  readonly metrics: RecordingMetrics;
  readonly parsed: O;
}

/** Makes a formatter from raw options (default `{}`) for an instance (default `FORMATTER_TEST_HOST.instance`). */
export type FormatterMaker<O, F extends Formatter> = (options?: Record<string, unknown>, instance?: string) => MadeFormatter<O, F>;

/**
 * `formatterMaker(rfc5424Options, Rfc5424Formatter)`: a `FormatterMaker` that parses the options with the schema
 * and builds the formatter as `FORMATTER_TEST_HOST` (its instance replaced when one is given) with a fresh
 * `RecordingMetrics` each time.
 */
export const formatterMaker =
  <O, F extends Formatter>(schema: FormatterOptionsSchema<O>, Class: FormatterClass<O, F>): FormatterMaker<O, F> =>
  (options = {}, instance = FORMATTER_TEST_HOST.instance) => {
    const parsed = schema.parse(options);
    const metrics = new RecordingMetrics();
    return { formatter: new Class(parsed, { host: { ...FORMATTER_TEST_HOST, instance }, metrics }), metrics, parsed };
  };

/**
 * The context a formatter plugin's `create` gets in the unit tests: `destinations.siem` (paths resolved from the
 * working directory), the given (parsed) options, deps
 * `host` (`FORMATTER_TEST_HOST`) and `metrics` (a fresh `RecordingMetrics`), and a signal that never aborts.
 */
export const formatterPluginContext = <O>(
  options: O,
): PluginPlace & { options: O; deps: FormatterTestDeps; signal: AbortSignal } => ({
  ...configPlace('destinations', 'siem', process.cwd()),
  options,
  deps: { host: FORMATTER_TEST_HOST, metrics: new RecordingMetrics() },
  signal: new AbortController().signal,
});

/**
 * For property tests: a function giving the formatter for `(options, instance)`, built once and reused (up to
 * `limit` formatters; options parsed once per option set). Options whose value is `undefined` are left out, so
 * fast-check records with optional keys parse as the schema's defaults.
 */
export const formatterCache = <O, F extends Formatter>(
  schema: FormatterOptionsSchema<O>,
  Class: FormatterClass<O, F>,
  limit = 10_000,
): ((options: object, instance: string) => F) => {
  const formatters = new Map<string, F>();
  const parsedOptions = new Map<string, O>();
  return (options, instance) => {
    const id = JSON.stringify([options, instance]);
    let formatter = formatters.get(id);
    if (formatter === undefined) {
      const optionsId = JSON.stringify(options);
      let parsed = parsedOptions.get(optionsId);
      if (parsed === undefined) {
        parsed = schema.parse(Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)));
        parsedOptions.set(optionsId, parsed);
      }
      formatter = new Class(parsed, { host: { ...FORMATTER_TEST_HOST, instance }, metrics: new RecordingMetrics() });
      if (formatters.size < limit) formatters.set(id, formatter);
    }
    return formatter;
  };
};

/** `event` (default: the Workbench alert sample) with these fields of its CEF record replaced. */
export const withRecord = (record: Partial<CefRecord>, event: SecurityEvent = TREND_WORKBENCH_ALERT_SAMPLE): SecurityEvent => ({
  ...event,
  record: { ...event.record, ...record },
});

/** The Workbench alert sample without CEF extensions (its line ends after the CEF header), with `patch` applied. */
export const bareWorkbenchAlert = (patch: Partial<SecurityEvent> = {}): SecurityEvent => ({
  ...withRecord({ extensions: [] }),
  ...patch,
});

/** The Workbench alert sample with exactly these CEF extensions. */
export const withExtensions = (...extensions: CefExtension[]): SecurityEvent => withRecord({ extensions });

/** The CEF header every format writes for the Workbench alert sample: up to and including the `|` after Severity. */
export const WORKBENCH_CEF_HEAD = 'CEF:0|Trend Micro|Trend Vision One|1.0.0|900001|Trend Vision One Workbench Alert|7|';

/**
 * The Workbench alert sample's whole CEF line (FACTS §A.5, `\=` inside the cs1 URL as CEF requires), with `rt` as
 * the given text (default: the `cef-date` time format's).
 */
export const workbenchCefLine = (rt = 'Dec 05 2022 05:26:45'): string =>
  WORKBENCH_CEF_HEAD +
  'externalId=WB-9002-20210519-00014 cat=Possible APT Attack cn1Label=Impact Scope Count cn1=1 cs1Label=Workbench link ' +
  String.raw`cs1=https://portal.xdr.trendmicro.com/index.html#/workbench?workbenchId\=WB-9002-20210519-00014&ref\=0c4a1d ` +
  `msg=A possible APT attack was detected on 2 endpoints. rt=${rt} sourceServiceName=SAE ` +
  'TrendMicroV1CompanyID=3f9c2a61-5b7e-4d0a-9c1e-8a2b6d4f0e17';

/**
 * Runs `run` and returns the `FORMAT_REJECTED` error it throws; rethrows any other error, and fails when `run`
 * returns.
 */
export const formatRejection = (run: () => unknown): SyslogConnectorError => {
  try {
    run();
  } catch (error) {
    if (SyslogConnectorError.hasCode(error, 'FORMAT_REJECTED')) return error;
    throw error;
  }
  throw new Error('expected a FORMAT_REJECTED error, but the call returned');
};

/** Expects `definition` to be a formatter plugin of `type` and to be the package's default export. */
export const expectFormatterPlugin = (definition: unknown, type: string, defaultExport: unknown): void => {
  expect(isPluginDefinition(definition)).toBe(true);
  expect((definition as { kind?: unknown }).kind).toBe('formatter');
  expect((definition as { type?: unknown }).type).toBe(type);
  expect(defaultExport).toBe(definition);
};

/**
 * A package README read for its examples: `lineStarting(prefix)` is the first line that starts with `prefix`;
 * `options(type)` the options under `<type>:` (4 spaces in) in the first `yaml` block, comments dropped, integers
 * and `true`/`false` read as YAML reads them.
 */
export interface ReadmeExamples {
  readonly text: string;
  lineStarting(prefix: string): string | undefined;
  options(type: string): Record<string, unknown>;
}

/** Reads the README at `url` (e.g. `new URL('../README.md', import.meta.url)`) as `ReadmeExamples`. */
export const readmeExamples = (url: URL): ReadmeExamples => {
  const text = readFileSync(url, 'utf8');
  const scalar = (value: string): unknown => (/^\d+$/.test(value) ? Number(value) : value === 'true' ? true : value === 'false' ? false : value);
  return {
    text,
    lineStarting: (prefix) => text.split('\n').find((line) => line.startsWith(prefix)),
    options: (type) => {
      const yaml = /```yaml\n([\s\S]*?)```/.exec(text)?.[1] ?? '';
      const block = new RegExp(`\\n {4}${type.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\n((?: {6}.*\\n)+)`).exec(yaml)?.[1] ?? '';
      return Object.fromEntries(
        block
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map((line) => {
            const [key, value] = line.replace(/#.*$/, '').trim().split(/:\s*/) as [string, string];
            return [key, scalar(value)];
          }),
      );
    },
  };
};

/**
 * The events every interop test sends, in this order: the vendor samples, one hostile event per `HOSTILE_STRINGS`
 * entry, 200 clean simulator events (seed 3) and 100 hostile ones (seed 5).
 */
export const interopEvents = (): readonly SecurityEvent[] => [
  ...FORMATTER_SAMPLE_EVENTS,
  ...hostileSecurityEvents(),
  ...visionOneEventCorpus({ count: 200, seed: 3, hostileRatio: 0 }),
  ...visionOneEventCorpus({ count: 100, seed: 5, hostileRatio: 1 }),
];

const FACILITY_CODES: ReadonlyMap<string, number> = new Map([
  ['kern', 0],
  ['user', 1],
  ['auth', 4],
  ['local4', 20],
]);

/**
 * The PRI a formatter should write for `record` (RFC 5424 §6.2.1), restated here rather than taken from core: the
 * facility is the destination's override, else the vendor's (`record.syslog.facility`), else user; the severity is
 * the vendor's (`record.syslog.severity`), else the one of the CEF severity (9–10 critical, 7–8 error, 4–6
 * warning, 1–3 notice, 0 informational). Knows the facilities the tests use (kern, user, auth, local4) and throws
 * for another.
 */
export const expectedPri = (facilityOverride: string | undefined, record: { readonly severity: number; readonly syslog?: CefRecord['syslog'] }): number => {
  const facility = facilityOverride ?? record.syslog?.facility ?? 'user';
  const code = FACILITY_CODES.get(facility);
  if (code === undefined) throw new Error(`expectedPri knows no facility ${facility}: add its code`);
  const cefSeverity = record.severity;
  const severity = record.syslog?.severity ?? (cefSeverity >= 9 ? 2 : cefSeverity >= 7 ? 3 : cefSeverity >= 4 ? 4 : cefSeverity >= 1 ? 5 : 6);
  return code * 8 + severity;
};

/**
 * A syslog header token as the formats write one: the first `max` code points, each one outside printable ASCII
 * (`!` to `~`) as `_`. Empty when `value` is: the caller writes its own nil (`-`, or `null` as parsers report it).
 */
export const headerToken = (value: string, max: number): string =>
  Array.from(value)
    .slice(0, max)
    .map((char) => (/^[\x21-\x7e]$/.test(char) ? char : '_'))
    .join('');

/**
 * Starts an oracle before the tests of the enclosing `describe` and stops it after them; returns a getter for the
 * running oracle, for use inside those tests.
 */
export const useOracle = (start: () => Promise<SyslogOracle>): (() => SyslogOracle) => {
  let oracle: SyslogOracle | undefined;
  beforeAll(async () => {
    oracle = await start();
  });
  afterAll(() => oracle?.stop());
  return () => {
    if (oracle === undefined) throw new Error('the oracle did not start');
    return oracle;
  };
};

/** Formats every event with the formatter `make(options)` makes; returns its parsed options and the messages. */
export const formatEvery = <O, F extends Formatter>(
  make: FormatterMaker<O, F>,
  options: Record<string, unknown>,
  events: readonly SecurityEvent[],
): { parsed: O; messages: string[] } => {
  const { formatter, parsed } = make(options);
  return { parsed, messages: events.map((event) => formatter.format(event)) };
};

/**
 * Sends `messages` to the oracle's first port over one octet-counted TCP connection and returns the records it
 * parsed, in order; fails when fewer than `messages.length` arrive within `timeoutMs`.
 */
export const sendToOracle = async (oracle: SyslogOracle, messages: readonly string[], timeoutMs = 15_000): Promise<ParsedRecord[]> => {
  await sendOctetCounted(oracle.ports[0] as number, messages);
  return oracle.received(messages.length, timeoutMs);
};

/** `formatEvery`, then `sendToOracle`: the parsed options, the messages sent and the records the oracle parsed. */
export const oracleRoundTrip = async <O, F extends Formatter>(
  oracle: SyslogOracle,
  make: FormatterMaker<O, F>,
  options: Record<string, unknown>,
  events: readonly SecurityEvent[],
): Promise<{ parsed: O; messages: string[]; received: ParsedRecord[] }> => {
  const { parsed, messages } = formatEvery(make, options, events);
  return { parsed, messages, received: await sendToOracle(oracle, messages) };
};
