import {
  CEF_TIME_FORMS,
  CEF_TIMESTAMP_KEYS,
  configPlace,
  MAX_EVENT_TIME,
  securityEventProblem,
  SyslogConnectorError,
  type Clock,
  type FormatterDefinition,
  type Formatter,
  type HostIdentity,
  type Logger,
  type SecurityEvent,
} from '@syslog-connector/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { hostileSecurityEvents } from './hostile-security-events.js';
import { bindSuiteDeps, describeDefinitionChecks, memoryStateStore } from './plugin-harness.js';
import { RecordingMetrics } from './recording-metrics.js';
import { FORMATTER_SAMPLE_EVENTS, TREND_WORKBENCH_ALERT_SAMPLE } from './sample-events.js';
import { visionOneEventCorpus } from './vision-one-event-corpus.js';

export interface FormatterConformanceOptions {
  /** Option sets the suite runs with, each parsed by the plugin's own schema; default `[{}]` (all defaults). */
  readonly optionSets?: ReadonlyArray<Readonly<Record<string, unknown>>>;
  /** Options the schema must refuse, besides an unknown key. */
  readonly invalidOptions?: ReadonlyArray<Readonly<Record<string, unknown>>>;
  /** Bound to `services.host`; default instance `sensor-01.example.com`. */
  readonly host?: HostIdentity;
  /**
   * Called with every message the suite makes: parse it with the format's own parser and throw (or `expect`) when
   * it does not read back. The suite itself checks only what every format shares.
   */
  readonly check?: (message: string, event: SecurityEvent, options: Readonly<Record<string, unknown>>) => void;
  /** Simulator events formatted per option set (half of them hostile); default 200. */
  readonly corpusSize?: number;
}

/** Freezes a value and everything in it (writing to it then throws in strict code, as every module is). */
const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
};

const DEFAULT_HOST: HostIdentity = { instance: 'sensor-01.example.com', hostname: 'sensor-01' };

// What would split one message into two records under any framing (RFC 6587 §3.4.2, FACTS §E.4).
const RECORD_BREAK = /[\r\n\0]/;

const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};

const fixedClock: Clock = {
  now: () => TREND_WORKBENCH_ALERT_SAMPLE.time,
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason as Error)), { once: true });
    }),
};

const withRecord = (patch: Record<string, unknown>): SecurityEvent =>
  ({ ...TREND_WORKBENCH_ALERT_SAMPLE, record: { ...TREND_WORKBENCH_ALERT_SAMPLE.record, ...patch } }) as SecurityEvent;

/**
 * Events at the edges of the contract — every one keeps it (`securityEventProblem`), so a formatter that believes
 * the types may rely on them; each must format, or be refused with `FORMAT_REJECTED`, never crash. Events that break
 * the contract never reach a formatter: the host dead-letters them at the source.
 */
const TIME_KEYS = [...CEF_TIMESTAMP_KEYS];

const EDGE_EVENTS: ReadonlyArray<readonly [string, SecurityEvent]> = [
  ['CEF severity 0', withRecord({ severity: 0 })],
  ['CEF severity 10', withRecord({ severity: 10 })],
  ['no extensions', withRecord({ extensions: [] })],
  ['empty header fields', withRecord({ vendor: '', product: '', version: '', signatureId: '', name: '' })],
  ['an empty extension value', withRecord({ extensions: [['msg', '']] })],
  ['a negative and a fractional number', withRecord({ extensions: [['cn1', -1], ['cn2', 0.5]] })],
  ['the epoch as event time', { ...TREND_WORKBENCH_ALERT_SAMPLE, time: 0 }],
  ['the last millisecond of year 9999', { ...TREND_WORKBENCH_ALERT_SAMPLE, time: MAX_EVENT_TIME }],
  ['a time of 9999 ticks in every form', withRecord({ extensions: CEF_TIME_FORMS.map((form, i) => [TIME_KEYS[i], { epochMs: MAX_EVENT_TIME, ticks: 9_999, form }]) })],
  ['a time at the epoch in every form', withRecord({ extensions: CEF_TIME_FORMS.map((form, i) => [TIME_KEYS[i], { epochMs: 0, ticks: 0, form }]) })],
  ['a vendor syslog profile', withRecord({ syslog: { facility: 'local7', severity: 0 } })],
  ['a raw event that is a string', { ...TREND_WORKBENCH_ALERT_SAMPLE, raw: 'not an object' }],
];

const label = (options: Readonly<Record<string, unknown>>): string =>
  Object.keys(options).length === 0 ? 'default options' : JSON.stringify(options);

/** Formats `event`; a thrown `FORMAT_REJECTED` is returned as the error, anything else thrown fails the test. */
const formatOrReject = (formatter: Formatter, event: SecurityEvent): string | SyslogConnectorError => {
  try {
    return formatter.format(event);
  } catch (error) {
    if (SyslogConnectorError.hasCode(error, 'FORMAT_REJECTED')) return error;
    throw new Error(`format threw something other than a FORMAT_REJECTED SyslogConnectorError: ${String(error)}`, { cause: error });
  }
};

const expectOneRecord = (message: unknown): void => {
  expect(typeof message).toBe('string');
  const text = message as string;
  const broken = RECORD_BREAK.exec(text);
  expect(broken === null ? null : `${JSON.stringify(broken[0])} at ${broken.index}: ${JSON.stringify(text.slice(Math.max(0, broken.index - 40), broken.index + 40))}`).toBeNull();
  // A lone surrogate has no UTF-8 encoding: the transport would write U+FFFD, so the formatter must decide.
  expect(text.isWellFormed()).toBe(true);
};

/**
 * The suite every formatter plugin runs (core's `Formatter` contract, DESIGN §4): a strict options schema whose
 * every key has a default or is optional; one string message per event; no raw CR, LF or NUL and no lone
 * surrogate, whatever the fields hold (`HOSTILE_STRINGS`, the simulator's hostile items); the same message for
 * the same event; and events at the edges of the contract formatted or refused with `FORMAT_REJECTED` — never
 * another exception. Every event it sends keeps the `SecurityEvent` contract (`securityEventProblem`), no more:
 * the host dead-letters at the source what breaks it, so a formatter never has to re-check the types.
 *
 * ```ts
 * describeFormatterConformance(rfc5424Formatter, { optionSets: [{}, { body: 'json' }], check: parseBack });
 * ```
 */
export const describeFormatterConformance = (definition: FormatterDefinition, options: FormatterConformanceOptions = {}): void => {
  const { optionSets = [{}], invalidOptions = [], host = DEFAULT_HOST, check, corpusSize = 200 } = options;

  describe(`formatter conformance: ${definition.type}`, () => {
    const corpus = [
      ...visionOneEventCorpus({ count: corpusSize / 2, seed: 7, hostileRatio: 0 }),
      ...visionOneEventCorpus({ count: corpusSize / 2, seed: 11, hostileRatio: 1 }),
    ];
    const hostile = hostileSecurityEvents();

    describeDefinitionChecks(definition, 'formatter');

    it('is sent only events that keep the SecurityEvent contract', () => {
      for (const event of [...FORMATTER_SAMPLE_EVENTS, ...corpus, ...hostile, ...EDGE_EVENTS.map(([, e]) => e)]) {
        expect(`${event.key}: ${securityEventProblem(event) ?? 'keeps the contract'}`).toBe(`${event.key}: keeps the contract`);
      }
    });

    it.each(invalidOptions.map((invalid) => [label(invalid), invalid] as const))('rejects the options %s', (_, invalid) => {
      expect(definition.options.safeParse(invalid).success).toBe(false);
    });


    describe.each(optionSets.map((set) => [label(set), set] as const))('with %s', (_, optionSet) => {
      let formatter: Formatter;
      let twin: Formatter;

      const create = async (): Promise<Formatter> => {
        const parsed = definition.options.parse(optionSet);
        const deps = bindSuiteDeps(definition.deps, { host, metrics: new RecordingMetrics(), clock: fixedClock, logger: silentLogger, store: memoryStateStore() });
        return definition.create({ ...configPlace('destinations', 'conformance', process.cwd()), options: parsed, deps, signal: new AbortController().signal });
      };

      beforeAll(async () => {
        formatter = await create();
        twin = await create();
      });

      const verify = (message: unknown, event: SecurityEvent): void => {
        expectOneRecord(message);
        check?.(message as string, event, optionSet);
      };

      it('formats each vendor sample as one message, synchronously', () => {
        for (const event of FORMATTER_SAMPLE_EVENTS) verify(formatter.format(event), event);
      });

      it('formats every simulator event, hostile ones included, as one message without CR, LF or NUL', () => {
        for (const event of corpus) verify(formatter.format(event), event);
      });

      it.each(hostile.map((event) => [event.record.extensions[0]?.[1], event] as const))(
        'writes the hostile string %j as one message without CR, LF or NUL',
        (_, event) => {
          verify(formatter.format(event), event);
        },
      );

      it('writes the same message for the same event, from the same and from another instance', () => {
        for (const event of [...FORMATTER_SAMPLE_EVENTS, ...hostile, ...corpus.slice(0, 20)]) {
          const first = formatter.format(event);
          expect(formatter.format(event)).toBe(first);
          expect(twin.format(event)).toBe(first);
          expect(formatter.format(structuredClone(event))).toBe(first);
        }
      });

      // The journal hands every reader the same event objects (its in-memory tail, its decoded batch): a formatter
      // that changed one would change what the next destination formats. A frozen event formats as the same message.
      it('leaves the event as it was: formats a deeply frozen copy to the same message', () => {
        for (const event of [...FORMATTER_SAMPLE_EVENTS, ...corpus.slice(0, 20)]) {
          const before = structuredClone(event);
          const first = formatter.format(event);
          expect(event).toEqual(before);
          expect(formatter.format(deepFreeze(structuredClone(event)))).toBe(first);
        }
      });

      it.each(EDGE_EVENTS)('either formats or rejects with FORMAT_REJECTED an event with %s', (_, event) => {
        const outcome = formatOrReject(formatter, event);
        if (typeof outcome === 'string') verify(outcome, event);
        else expect(outcome.message.length).toBeGreaterThan(0);
        // A rejection leaves the formatter usable.
        verify(formatter.format(TREND_WORKBENCH_ALERT_SAMPLE), TREND_WORKBENCH_ALERT_SAMPLE);
      });
    });
  });
};
