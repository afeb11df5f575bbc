import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ConnectorConfig, Journal, JournalConsumer, WorkLease } from '@syslog-connector/core';
import { PostgresJournal, readLeases } from '@syslog-connector/store-postgres';
import { openStore, STORE_FILE_NAME } from '@syslog-connector/store-sqlite';
import { type ConnectorStatus, readPartCounters, readStatusCounters, statusFromStore } from '../connector.js';
import { type CommandIo, EXIT, loadOrReport, reportError } from './command-context.js';
import { hostSecrets } from '../logger.js';
import { journalBudget } from './open-journal.js';

export interface StatusOptions {
  readonly json?: boolean;
  /** "Now" for ages (tests). Default: `Date.now()`. */
  readonly now?: number;
}

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
  const sources = status.sources
    .map((s) => `${s.source} stored=${s.stored} errors=${s.errors}${s.deadLettered === 0 ? '' : ` dead-lettered=${s.deadLettered}`}${s.paused ? ' PAUSED' : ''}`)
    .join(', ');
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

const describeStatus = (status: ConnectorStatus): string => {
  const now = status.at;
  const lines = [summarizeStatus(status), '', 'sources:'];
  for (const s of status.sources) {
    lines.push(
      `  ${s.source}: last poll ${ago(s.lastPollAt, now)}, polls ${s.polls}, events ${s.stored} stored (${s.duplicates} duplicates), ` +
        `dead-lettered ${s.deadLettered}, errors ${s.errors}` +
        (s.lastError === undefined ? '' : `, last error: ${s.lastError}`),
    );
  }
  lines.push('destinations:');
  for (const d of status.destinations) {
    lines.push(
      `  ${d.destination}: delivered ${d.delivered}, lag ${d.lag} events / ${seconds(d.lagMs)}, reconnects ${d.reconnects}, send errors ${d.sendErrors}, ` +
        `re-sent ${d.resent}, dropped ${d.dropped}, dead-lettered ${d.deadLettered}, truncated ${d.truncated}, last delivery ${ago(d.lastDeliveryAt, now)}` +
        (d.lastError === undefined ? '' : `, last error (${ago(d.lastErrorAt, now)}): ${d.lastError}`),
    );
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
  if (config.store?.type === 'postgres') return sharedStatus(config, io, options);
  const file = join(config.stateDir, STORE_FILE_NAME);
  if (!existsSync(file)) {
    io.stderr.write(`error STORE_UNAVAILABLE: stateDir: there is no store at ${file} (fix: run \`syslog-connector run -c ${configPath}\` first, or check \`stateDir\`)\n`);
    return EXIT.failed;
  }
  let journal: Awaited<ReturnType<typeof openStore>>;
  try {
    // With the configured budget, so the summary shows how full the journal is against it.
    journal = await openStore(config.stateDir, journalBudget(config));
  } catch (error) {
    reportError(error, io);
    return EXIT.failed;
  }
  try {
    return await printStatus(config, journal, await readStatusCounters(journal.state), io, options);
  } catch (error) {
    reportError(error, io);
    return EXIT.failed;
  } finally {
    await journal.close();
  }
};

const printStatus = async (
  config: ConnectorConfig,
  journal: Journal,
  counters: Awaited<ReturnType<typeof readStatusCounters>>,
  io: CommandIo,
  options: StatusOptions,
  work?: ConnectorStatus['work'],
): Promise<number> => {
  const consumers: JournalConsumer[] = Object.entries(config.destinations).map(([destination, d]) => ({ destination, sources: d.sources }));
  const status = await statusFromStore(journal, consumers, counters, options.now ?? Date.now(), {}, Object.keys(config.sources));
  // Errors are saved masked; masked again here for a store written before, or under another config's secrets.
  const shown = hostSecrets.redactValue(work === undefined ? status : { ...status, work });
  io.stdout.write(options.json === true ? `${JSON.stringify(shown, null, 2)}\n` : hostSecrets.redact(describeStatus(shown)));
  return EXIT.ok;
};

/** `status` of a shared (PostgreSQL) store: every part's counters as its holder saved them, and who holds what. */
const sharedStatus = async (config: ConnectorConfig, io: CommandIo, options: StatusOptions): Promise<number> => {
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
    return await printStatus(config, journal, counters, io, options, { member: '(status command)', leases: await readLeases(journal) });
  } catch (error) {
    reportError(error, io);
    return EXIT.failed;
  } finally {
    await journal.close();
  }
};
