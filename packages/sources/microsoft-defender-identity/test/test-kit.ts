import type { Logger, Metrics } from '@syslog-connector/core';

export type LogEntry = { level: string; fields: object; message: string };

/** A logger that keeps every entry, so tests can assert what was (and was not) written. */
export const recordingLogger = (entries: LogEntry[]): Logger => {
  const at = (level: string) => (fields: object, message: string) => void entries.push({ level, fields, message });
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger };
  return logger;
};

export class RecordingMetrics implements Metrics {
  readonly counts: Array<[string, Readonly<Record<string, string>>, number]> = [];
  increment(name: string, labels: Readonly<Record<string, string>> = {}, by = 1): void {
    this.counts.push([name, labels, by]);
  }
  snapshot() {
    return this.counts.map(([name, labels, value]) => ({ name, labels, value }));
  }
}
