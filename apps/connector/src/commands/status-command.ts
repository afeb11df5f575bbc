import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Journal, JournalConsumer } from '@syslog-connector/core';
import type { ConnectorConfig, WorkLease } from '@syslog-connector/core/engine';
import { PostgresJournal, readLeases } from '@syslog-connector/store-postgres';
import { openStore, STORE_FILE_NAME } from '@syslog-connector/store-sqlite';
import { type ConnectorStatus, readPartCounters, readStatusCounters, type SourceStatus, statusFromStore } from '../connector.js';
import { type CommandIo, EXIT, loadOrReport, reportError } from './command-context.js';
import { hostSecrets } from '../logger.js';
import { journalBudget } from './open-journal.js';
import { describeTargets, type PluginTargets } from './describe-targets.js';
import type { PluginRegistry } from '@syslog-connector/core/engine';

export interface StatusOptions {
  readonly json?: boolean;
  /** "Now" for ages (tests). Default: `Date.now()`. */
  readonly now?: number;
  /** Only the sources whose id matches one of these globs (`*` any run of characters, `?` one). */
  readonly sources?: readonly string[];
  /** Only the sources with a problem: failing, paused, or with dead letters. */
  readonly problems?: boolean;
  /** Every source, however many (without a filter, more than `STATUS_LIST_LIMIT` show as totals and the worst). */
  readonly all?: boolean;
}

/**
 * Up to this many sources, `status` and the status line list each one; above it (a managed provider's thousand
 * tenants, issue #20) they show totals and the worst few, and `--source <glob>` / `--problems` / `--all` list more.
 */
export const STATUS_LIST_LIMIT = 10;
/** The worst sources `status` lists under the totals; the status line names the first three. */
export const STATUS_WORST = 5;

/** What all sources add up to, for the summary of many. */
export interface SourceTotals {
  readonly sources: number;
  /** Sources that have polled at least once. */
  readonly polled: number;
  /** Sources whose last poll failed (a `lastError`). */
  readonly failing: number;
  readonly paused: number;
  /** Sources with dead letters, and how many they hold in all. */
  readonly withDeadLetters: number;
  readonly deadLettered: number;
  readonly stored: number;
  readonly duplicates: number;
  readonly errors: number;
  /** The oldest last poll of the sources that polled (epoch ms). */
  readonly oldestPollAt: number | undefined;
}

export const sourceTotals = (sources: readonly SourceStatus[]): SourceTotals => {
  let oldestPollAt: number | undefined;
  const count = (test: (s: SourceStatus) => boolean) => sources.filter(test).length;
  const sum = (value: (s: SourceStatus) => number) => sources.reduce((total, s) => total + value(s), 0);
  for (const s of sources) if (s.lastPollAt !== undefined) oldestPollAt = Math.min(oldestPollAt ?? s.lastPollAt, s.lastPollAt);
  return {
    sources: sources.length,
    polled: count((s) => s.lastPollAt !== undefined),
    failing: count((s) => s.lastError !== undefined),
    paused: count((s) => s.paused),
    withDeadLetters: count((s) => s.deadLettered > 0),
    deadLettered: sum((s) => s.deadLettered),
    stored: sum((s) => s.stored),
    duplicates: sum((s) => s.duplicates),
    errors: sum((s) => s.errors),
    oldestPollAt,
  };
};

/** A source `--problems` lists: its last poll failed, it is paused, or it set items aside. */
export const hasProblem = (s: SourceStatus): boolean => s.lastError !== undefined || s.paused || s.deadLettered > 0;

/**
 * Sources from the worst: failing (most errors first), paused, with dead letters, then the longest since their last
 * poll (never polled first), then by id.
 */
export const worstSources = (sources: readonly SourceStatus[], count: number): SourceStatus[] => {
  const rank = (s: SourceStatus): number => (s.lastError !== undefined ? 0 : s.paused ? 1 : s.deadLettered > 0 ? 2 : 3);
  return [...sources]
    .sort(
      (a, b) =>
        rank(a) - rank(b) ||
        b.errors - a.errors ||
        b.deadLettered - a.deadLettered ||
        (a.lastPollAt ?? Number.NEGATIVE_INFINITY) - (b.lastPollAt ?? Number.NEGATIVE_INFINITY) ||
        a.source.localeCompare(b.source),
    )
    .slice(0, count);
};

/** `*` matches any run of characters, `?` one; the rest is literal. */
export const globMatcher = (globs: readonly string[]): ((id: string) => boolean) => {
  const patterns = globs.map(
    (glob) => new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')}$`),
  );
  return (id) => patterns.some((pattern) => pattern.test(id));
};

const seconds = (ms: number): string => (ms < 1_000 ? `${Math.round(ms)}ms` : ms < 120_000 ? `${Math.round(ms / 1_000)}s` : `${Math.round(ms / 60_000)}m`);
const ago = (at: number | undefined, now: number): string => (at === undefined ? 'never' : `${seconds(Math.max(0, now - at))} ago`);
const megabytes = (bytes: number): string => `${(bytes / 1_048_576).toFixed(1)} MB`;

/**
 * One line for the whole connector: what the periodic status log line says and what `status` prints first.
 * Per destination: delivered, lag in events and by the age of the oldest undelivered event, reconnects, dropped.
 */
export const summarizeStatus = (status: ConnectorStatus): string => {
  const journal =
    status.journal === undefined
      ? ''
      : ` journal ${megabytes(status.journal.bytes)}${status.journal.maxBytes === undefined ? '' : ` of ${megabytes(status.journal.maxBytes)} (${status.journal.policy})`}${status.journal.full ? ' FULL' : ''};`;
  const one = (s: SourceStatus) =>
    `${s.source} stored=${s.stored} errors=${s.errors}${s.deadLettered === 0 ? '' : ` dead-lettered=${s.deadLettered}`}${s.paused ? ' PAUSED' : ''}`;
  const sources = status.sources.length <= STATUS_LIST_LIMIT ? status.sources.map(one).join(', ') : summarizeMany(status.sources);
  const destinations = status.destinations
    .map(
      (d) =>
        `${d.destination} delivered=${d.delivered} lag=${d.lag} (${seconds(d.lagMs)}) reconnects=${d.reconnects} dropped=${d.dropped}` +
        (d.truncated === 0 ? '' : ` truncated=${d.truncated}`) +
        (d.lastError === undefined ? '' : ' FAILING') +
        ((d.certificates ?? []).some((c) => c.expiresSoon) ? ' CERTIFICATE-EXPIRES-SOON' : ''),
    )
    .join(', ');
  return `head=${status.head};${journal} sources: ${sources || '(none)'}; destinations: ${destinations || '(none)'}`;
};

/** Many sources in the status line: how many, how many failing or paused, what they stored, and the worst three. */
const summarizeMany = (sources: readonly SourceStatus[]): string => {
  const t = sourceTotals(sources);
  const worst = worstSources(sources.filter(hasProblem), 3).map(
    (s) => `${s.source} errors=${s.errors}${s.deadLettered === 0 ? '' : ` dead-lettered=${s.deadLettered}`}${s.lastError === undefined ? '' : ' FAILING'}${s.paused ? ' PAUSED' : ''}`,
  );
  return (
    `${t.sources} (${t.polled} polled, ${t.failing} failing, ${t.paused} paused) stored=${t.stored} errors=${t.errors}` +
    (t.deadLettered === 0 ? '' : ` dead-lettered=${t.deadLettered}`) +
    (worst.length === 0 ? '' : `, worst: ${worst.join(', ')}`)
  );
};

/**
 * The status line's `status` field: the whole status, or — past `STATUS_LIST_LIMIT` sources — the totals and the
 * worst few instead of every source, so a thousand tenants do not write a 300 kB line every minute.
 */
export const loggedStatus = (status: ConnectorStatus): object =>
  status.sources.length <= STATUS_LIST_LIMIT
    ? status
    : { ...status, sources: worstSources(status.sources, STATUS_WORST), sourceTotals: sourceTotals(status.sources) };

const sourceLine = (s: SourceStatus, now: number): string =>
  `  ${s.source}: last poll ${ago(s.lastPollAt, now)}, polls ${s.polls}, events ${s.stored} stored (${s.duplicates} duplicates), ` +
  `dead-lettered ${s.deadLettered}, errors ${s.errors}` +
  (s.lastError === undefined ? '' : `, last error: ${s.lastError}`);

/** The sources a `status` invocation asks about: all, those matching `--source`, and/or those with `--problems`. */
const selectSources = (sources: readonly SourceStatus[], options: StatusOptions): readonly SourceStatus[] => {
  const matches = options.sources === undefined || options.sources.length === 0 ? undefined : globMatcher(options.sources);
  return sources.filter((s) => (matches === undefined || matches(s.source)) && (options.problems !== true || hasProblem(s)));
};

const filtered = (options: StatusOptions): boolean => (options.sources?.length ?? 0) > 0 || options.problems === true;

const describeStatus = (status: ConnectorStatus, options: StatusOptions = {}, targets?: PluginTargets): string => {
  const now = status.at;
  /** `sourceLine`, then what the source reads (`describeTarget()`), when known. */
  const withTarget = (s: SourceStatus) => {
    const target = targets?.sources.get(s.source);
    return target === undefined ? [sourceLine(s, now)] : [sourceLine(s, now), `    reads ${target}`];
  };
  const lines = [summarizeStatus(status), ''];
  const selected = selectSources(status.sources, options);
  if (filtered(options)) {
    const what = [
      ...(options.sources?.length ? [`matching ${options.sources.join(' or ')}`] : []),
      ...(options.problems === true ? ['with problems (failing, paused or dead-lettered)'] : []),
    ].join(', ');
    lines.push(`sources ${what}: ${selected.length} of ${status.sources.length}`);
    for (const s of worstSources(selected, selected.length)) lines.push(...withTarget(s));
  } else if (status.sources.length <= STATUS_LIST_LIMIT || options.all === true) {
    lines.push('sources:');
    for (const s of status.sources) lines.push(...withTarget(s));
  } else {
    const t = sourceTotals(status.sources);
    lines.push(
      `sources: ${t.sources}, polled ${t.polled} (oldest last poll ${ago(t.oldestPollAt, now)}), failing ${t.failing}, paused ${t.paused}, ` +
        `with dead letters ${t.withDeadLetters}; events ${t.stored} stored (${t.duplicates} duplicates), dead-lettered ${t.deadLettered}, errors ${t.errors}`,
    );
    lines.push(`  worst ${STATUS_WORST} (failing, paused, dead-lettered, then the oldest last poll):`);
    for (const s of worstSources(status.sources, STATUS_WORST)) lines.push(`  ${sourceLine(s, now)}`);
    lines.push(`  … and ${t.sources - STATUS_WORST} more: --problems lists those with problems, --source <glob> some by id, --all every one`);
  }
  lines.push('destinations:');
  for (const d of status.destinations) {
    lines.push(
      `  ${d.destination}: delivered ${d.delivered}, lag ${d.lag} events / ${seconds(d.lagMs)}, reconnects ${d.reconnects}, send errors ${d.sendErrors}, ` +
        `re-sent ${d.resent}, dropped ${d.dropped}, dead-lettered ${d.deadLettered}, truncated ${d.truncated}, last delivery ${ago(d.lastDeliveryAt, now)}` +
        (d.lastError === undefined ? '' : `, last error (${ago(d.lastErrorAt, now)}): ${d.lastError}`),
    );
    const target = targets?.destinations.get(d.destination);
    if (target !== undefined) lines.push(`    sends to ${target}`);
    for (const c of d.certificates ?? []) {
      if (!c.expiresSoon) continue;
      const what = c.role === 'ca' ? 'CA certificate' : 'client certificate';
      lines.push(`    WARNING ${c.path}: the ${what} ${c.subject} ${c.daysLeft < 0 ? 'has expired' : `expires in ${c.daysLeft} days`} (${new Date(c.notAfter).toISOString()})`);
    }
  }
  if (status.work !== undefined) {
    lines.push(`work (shared store; this daemon: ${status.work.member}):`);
    for (const lease of status.work.leases) lines.push(`  ${describeLease(lease, now)}`);
  }
  return `${lines.join('\n')}\n`;
};

/** Who works a source or destination of a shared store, since when, and its last takeover. */
export const describeLease = (lease: WorkLease, now: number): string =>
  `${lease.kind} ${lease.id}: ` +
  (lease.holder === undefined ? 'not held (a daemon takes it at its next heartbeat)' : `held by ${lease.holder}${lease.holderInstance === undefined ? '' : ` (${lease.holderInstance})`} since ${ago(lease.since, now)}`) +
  `, token ${lease.token}, takeovers ${lease.takeovers}` +
  (lease.lastTakeoverAt === undefined ? '' : ` (last ${ago(lease.lastTakeoverAt, now)} from ${lease.lastTakeoverFrom ?? '?'})`);

/**
 * `syslog-connector status`: reads the store of the config's `stateDir` — while the daemon runs or not (WAL lets a
 * reader in beside the writer) — and prints per source and per destination what the daemon last saved.
 */
export const statusCommand = async (configPath: string, io: CommandIo, options: StatusOptions = {}): Promise<number> => {
  const loaded = await loadOrReport(configPath, io);
  if (loaded === undefined) return EXIT.failed;
  const { config } = loaded;
  if (config.store?.type === 'postgres') return sharedStatus(config, loaded.registry, io, options);
  const file = join(config.stateDir, STORE_FILE_NAME);
  if (!existsSync(file)) {
    io.stderr.write(`error STORE_UNAVAILABLE: stateDir: there is no store at ${file} (fix: run \`syslog-connector run -c ${configPath}\` first, or check \`stateDir\`)\n`);
    return EXIT.failed;
  }
  let journal: Awaited<ReturnType<typeof openStore>>;
  try {
    // With the configured budget, so the summary shows how full the journal is against it; read-only, beside the
    // daemon (the log engine then never cuts the record the daemon may be writing).
    journal = await openStore(config.stateDir, { ...journalBudget(config), readOnly: true });
  } catch (error) {
    reportError(error, io);
    return EXIT.failed;
  }
  try {
    return await printStatus(config, loaded.registry, journal, await readStatusCounters(journal.state), io, options);
  } catch (error) {
    reportError(error, io);
    return EXIT.failed;
  } finally {
    await journal.close();
  }
};

const printStatus = async (
  config: ConnectorConfig,
  registry: PluginRegistry,
  journal: Journal,
  counters: Awaited<ReturnType<typeof readStatusCounters>>,
  io: CommandIo,
  options: StatusOptions,
  work?: ConnectorStatus['work'],
): Promise<number> => {
  const consumers: JournalConsumer[] = Object.entries(config.destinations).map(([destination, d]) => ({ destination, sources: d.sources }));
  const status = await statusFromStore(journal, consumers, counters, options.now ?? Date.now(), {}, Object.keys(config.sources));
  // What each plugin says it reads from or sends to: for every destination, and for the sources listed one by one
  // (the JSON's, and the text's unless it shows totals of many).
  const listed = selectSources(status.sources, options);
  const listsEach = filtered(options) || status.sources.length <= STATUS_LIST_LIMIT || options.all === true;
  const targets = await describeTargets(config, registry, io, (options.json === true || listsEach ? listed : []).map((s) => s.source));
  const withTargets: ConnectorStatus = {
    ...status,
    sources: status.sources.map((s) => {
      const target = targets.sources.get(s.source);
      return target === undefined ? s : { ...s, target };
    }),
    destinations: status.destinations.map((d) => ({ ...d, target: targets.destinations.get(d.destination) ?? config.destinations[d.destination]?.protocol ?? '' })),
  };
  // Errors are saved masked; masked again here for a store written before, or under another config's secrets.
  const shown = hostSecrets.redactValue(work === undefined ? withTargets : { ...withTargets, work });
  // JSON: every source (or those the filters select), with the totals of all of them.
  const json = { ...shown, sources: selectSources(shown.sources, options), sourceTotals: sourceTotals(shown.sources) };
  io.stdout.write(options.json === true ? `${JSON.stringify(json, null, 2)}\n` : hostSecrets.redact(describeStatus(shown, options, targets)));
  return EXIT.ok;
};

/** `status` of a shared (PostgreSQL) store: every part's counters as its holder saved them, and who holds what. */
const sharedStatus = async (config: ConnectorConfig, registry: PluginRegistry, io: CommandIo, options: StatusOptions): Promise<number> => {
  const store = config.store as Extract<ConnectorConfig['store'], { type: 'postgres' }>;
  let journal: PostgresJournal;
  try {
    journal = await PostgresJournal.open({ url: store.url, schema: store.schema, poolSize: 2, ...journalBudget(config) });
  } catch (error) {
    reportError(error, io);
    return EXIT.failed;
  }
  try {
    const counters = await readPartCounters(journal.state, Object.keys(config.sources), Object.keys(config.destinations));
    return await printStatus(config, registry, journal, counters, io, options, { member: '(status command)', leases: await readLeases(journal) });
  } catch (error) {
    reportError(error, io);
    return EXIT.failed;
  } finally {
    await journal.close();
  }
};
