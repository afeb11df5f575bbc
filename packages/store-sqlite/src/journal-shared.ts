import { SyslogConnectorError, parseJson, type JournalConsumer } from '@syslog-connector/core';
import { corruptHint, STATE_DIR_CONFIG_PATH } from './store-error.js';

/** What both engines keep of `setConsumers`: each consumer's sources without repeats. */
export const normalizeConsumers = (consumers: readonly JournalConsumer[]): JournalConsumer[] =>
  consumers.map((c) => ({ destination: c.destination, sources: c.sources === undefined ? undefined : [...new Set(c.sources)] }));

/**
 * Per source, the highest seq every consumer wanting it has passed; a source nobody wants: the head. Undefined
 * before the consumers are known (a cursor that is not known could still need anything).
 */
export const compactionBounds = (
  consumers: readonly JournalConsumer[] | undefined,
  sources: readonly string[],
  head: number,
  cursorOf: (destination: string) => number,
): Map<string, number> | undefined => {
  if (consumers === undefined || consumers.length === 0) return undefined;
  const bounds = new Map<string, number>(sources.map((s) => [s, head]));
  for (const consumer of consumers) {
    const cursor = cursorOf(consumer.destination);
    for (const source of consumer.sources ?? sources) {
      const bound = bounds.get(source);
      if (bound !== undefined) bounds.set(source, Math.min(bound, cursor));
    }
  }
  return bounds;
};

/** Stored JSON read back; damage is STORE_CORRUPT naming the file. Not JSON.parse alone: see core's parseJson. */
export const parseStored = (json: string, what: string, file: string): unknown => {
  try {
    return parseJson(json);
  } catch (error) {
    throw new SyslogConnectorError('STORE_CORRUPT', `The store ${file} holds a damaged ${what}.`, {
      path: STATE_DIR_CONFIG_PATH,
      hint: corruptHint(file),
      cause: error,
    });
  }
};

/** Any call after `close()`. */
export const storeClosed = (file: string): SyslogConnectorError =>
  new SyslogConnectorError('STORE_UNAVAILABLE', `The store ${file} is closed.`, {
    path: STATE_DIR_CONFIG_PATH,
    hint: 'the host closed the store during shutdown; open it again to use it',
  });
