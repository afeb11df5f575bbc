import { createHash } from 'node:crypto';
import { type FSWatcher, watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { describeError, type Logger, SyslogConnectorError } from '@syslog-connector/core';
import type { Connector } from '../connector.js';
import { loadConnectorConfig } from './load-connector-config.js';
import { concealer } from './conceal-environment.js';

export type ReloadTrigger = 'SIGHUP' | 'file change' | 'console';

/** How a reload ended: applied, or refused with the reason (as logged; never a secret). */
export interface ReloadOutcome {
  readonly applied: boolean;
  readonly error?: string;
}

/**
 * Re-reads the config file of a running daemon and hands it to the connector (README "Reload"), on SIGHUP and —
 * with `reload: { watch: true }` — when the file changes. A file that is not valid is refused with every problem
 * logged (path and message, as `validate` prints them; values of secrets never appear), and the running config
 * stays. Reloads run one at a time; requests arriving during one are merged into one more reload after it.
 */
export class ConfigReloader {
  readonly #path: string;
  readonly #connector: Connector;
  readonly #logger: Logger;
  readonly #env: Readonly<Record<string, string | undefined>>;
  #running: Promise<ReloadOutcome> | undefined;
  #again: ReloadTrigger | undefined;
  #closed = false;
  #watcher: FSWatcher | undefined;
  #debounce: NodeJS.Timeout | undefined;
  #debounceMs = 0;
  /** Hash of the file as last read, so a touch, or an event for another file, does not reload. */
  #lastRead: string | undefined;

  constructor(path: string, connector: Connector, logger: Logger, env: Readonly<Record<string, string | undefined>>) {
    this.#path = resolve(path);
    this.#connector = connector;
    this.#logger = logger;
    this.#env = env;
  }

  /** Starts or stops watching the file, as the running config's `reload.watch` says. */
  async follow(): Promise<void> {
    const { watch: wanted, debounce } = this.#connector.config.reload;
    this.#debounceMs = debounce;
    if (wanted && this.#watcher === undefined && !this.#closed) {
      this.#lastRead = await this.#hash();
      // The folder, not the file: editors and config managers replace the file (write a new one, rename it over),
      // which ends a watch on the file itself; Kubernetes swaps a `..data` symlink beside it.
      const file = basename(this.#path);
      this.#watcher = watch(dirname(this.#path), { persistent: false }, (_event, name) => {
        if (name === null || name === file || name.startsWith('..')) this.#fileChanged();
      });
      this.#watcher.on('error', (error) => this.#logger.warn({ error: describeError(error) }, 'Watching the config file failed; SIGHUP still reloads.'));
      this.#logger.info({ config: this.#path, debounceMs: debounce }, 'Watching the config file: a change reloads it.');
    } else if (!wanted && this.#watcher !== undefined) {
      this.#unwatch();
      this.#logger.info({ config: this.#path }, 'No longer watching the config file; SIGHUP still reloads.');
    }
  }

  /**
   * Reloads now, or right after the reload in progress. Resolves when the requested reload has run, with how the
   * last reload of the run ended (the console tells the user whether a save was applied).
   */
  request(trigger: ReloadTrigger): Promise<ReloadOutcome> {
    if (this.#closed) return Promise.resolve({ applied: false, error: 'the daemon is stopping' });
    if (this.#running !== undefined) {
      this.#again = trigger;
      return this.#running;
    }
    this.#running = (async () => {
      let next: ReloadTrigger | undefined = trigger;
      let outcome: ReloadOutcome = { applied: false, error: 'the daemon is stopping' };
      while (next !== undefined && !this.#closed) {
        this.#again = undefined;
        outcome = await this.#reload(next);
        next = this.#again;
      }
      return outcome;
    })().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** Stops watching; a reload in progress finishes first. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#unwatch();
    await this.#running;
  }

  /** Marks the file as read at this text, so the watcher does not reload a change the caller applies itself. */
  noteWritten(text: string): void {
    this.#lastRead = hashOf(text);
  }

  #fileChanged(): void {
    clearTimeout(this.#debounce);
    this.#debounce = setTimeout(() => {
      this.#debounce = undefined;
      void this.#hash().then((hash) => {
        // Unchanged (a touch, a save without edits) or unreadable for a moment: nothing to do.
        if (hash === undefined || hash === this.#lastRead) return;
        void this.request('file change');
      });
    }, this.#debounceMs);
    this.#debounce.unref();
  }

  async #reload(trigger: ReloadTrigger): Promise<ReloadOutcome> {
    const logger = this.#logger;
    logger.info({ trigger, config: this.#path }, 'Reloading the config.');
    const text = await this.#read();
    this.#lastRead = text === undefined ? undefined : hashOf(text);
    const conceal = concealer(text ?? '', this.#env);
    try {
      const loaded = await loadConnectorConfig(this.#path, this.#env);
      if (!loaded.ok) {
        const issues = loaded.issues.map(({ path, message }) => ({ path: conceal(path), message: conceal(message) }));
        logger.error(
          { trigger, issues },
          `Config not reloaded: ${this.#path} is not valid (${issues.length} ${issues.length === 1 ? 'problem' : 'problems'}): ` +
            `${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}. The running config stays.`,
        );
        return { applied: false, error: `the config is not valid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}` };
      }
      for (const advice of loaded.advice) logger.warn({ path: advice.path }, `${advice.path}: ${advice.message}`);
      await this.#connector.reload(loaded.config, loaded.registry);
    } catch (error) {
      const details = SyslogConnectorError.is(error) ? { code: error.code, ...(error.path === undefined ? {} : { path: error.path }) } : {};
      const reason = conceal(describeError(error));
      logger.error({ trigger, ...details, error: reason }, `Config not reloaded: ${reason}. The running config stays.`);
      return { applied: false, error: reason };
    }
    await this.follow();
    return { applied: true };
  }

  async #hash(): Promise<string | undefined> {
    const text = await this.#read();
    return text === undefined ? undefined : hashOf(text);
  }

  async #read(): Promise<string | undefined> {
    try {
      return await readFile(this.#path, 'utf8');
    } catch {
      return undefined;
    }
  }

  #unwatch(): void {
    clearTimeout(this.#debounce);
    this.#debounce = undefined;
    this.#watcher?.close();
    this.#watcher = undefined;
  }
}

/**
 * SIGHUP for the whole of `run`. Its default action ends the process, so it is caught from the first moment: one
 * that arrives while the daemon is starting (loading the config, opening the store, starting the plugins) is kept
 * and reloads as soon as the reloader is attached; after the reloader is closed (stopping) it is ignored.
 */
export class HangupSignal {
  #reloader: ConfigReloader | undefined;
  #pending = false;
  readonly #listener = (): void => {
    if (this.#reloader === undefined) this.#pending = true;
    else void this.#reloader.request('SIGHUP');
  };

  constructor() {
    process.on('SIGHUP', this.#listener);
  }

  /** From now on SIGHUP reloads; one that came earlier reloads now. */
  attach(reloader: ConfigReloader): void {
    this.#reloader = reloader;
    if (this.#pending) {
      this.#pending = false;
      void reloader.request('SIGHUP');
    }
  }

  dispose(): void {
    process.off('SIGHUP', this.#listener);
  }
}

const hashOf = (text: string): string => createHash('sha256').update(text).digest('hex');

