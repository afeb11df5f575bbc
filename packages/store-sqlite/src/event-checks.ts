import { SyslogConnectorError, type Checkpoint, type Logger, type SecurityEvent } from '@syslog-connector/core';

/** An event a source plugin produced that no journal can store: the plugin's bug (PLUGIN_INVALID), the batch is not stored. */
const invalidEvent = (source: string, problem: string, cause?: unknown): SyslogConnectorError =>
  new SyslogConnectorError('PLUGIN_INVALID', `Source "${source}" produced an event that cannot be stored: ${problem}.`, {
    path: `sources.${source}`,
    hint: 'this is a bug in the source plugin; report it with the event key, the batch was not stored',
    ...(cause === undefined ? {} : { cause }),
  });

/**
 * Checks an event of a source's batch (both engines): a non-empty key and type, a finite time. The append's source is
 * the authority (de-dup, filters, checkpoint) and the event is stored untouched: an event labelled with another source
 * id gets one warning per source (`warned` remembers which).
 */
export const checkEvent = (source: string, event: SecurityEvent, warned: Set<string>, logger: Logger | undefined): void => {
  if (typeof event !== 'object' || event === null) throw invalidEvent(source, 'not an object');
  if (typeof event.key !== 'string' || event.key === '') throw invalidEvent(source, '`key` must be a non-empty string');
  if (typeof event.type !== 'string' || event.type === '') throw invalidEvent(source, `event ${event.key}: \`type\` must be a non-empty string`);
  if (typeof event.time !== 'number' || !Number.isFinite(event.time)) throw invalidEvent(source, `event ${event.key}: \`time\` must be a finite number`);
  if (event.source !== source && !warned.has(source)) {
    warned.add(source);
    logger?.warn({ source, eventSource: event.source, key: event.key }, 'Source produced events labelled with another source id.');
  }
};

/** An event's JSON; one that is not JSON (BigInt, a cycle) is named with its key. */
export const eventJson = (source: string, event: SecurityEvent): string => {
  try {
    return JSON.stringify(event);
  } catch (error) {
    throw invalidEvent(source, `event ${event.key} is not JSON (${error instanceof Error ? error.message : String(error)})`, error);
  }
};

/** A checkpoint's JSON: it must be a JSON object. */
export const checkpointJson = (source: string, checkpoint: Checkpoint): string => {
  const invalid = (problem: string, cause?: unknown): SyslogConnectorError =>
    new SyslogConnectorError('PLUGIN_INVALID', `Source "${source}" produced a checkpoint that cannot be stored: ${problem}.`, {
      path: `sources.${source}`,
      hint: 'this is a bug in the source plugin; the batch was not stored',
      ...(cause === undefined ? {} : { cause }),
    });
  if (typeof checkpoint !== 'object' || checkpoint === null || Array.isArray(checkpoint)) throw invalid('it is not an object');
  try {
    return JSON.stringify(checkpoint);
  } catch (error) {
    throw invalid(`it is not JSON (${error instanceof Error ? error.message : String(error)})`, error);
  }
};
