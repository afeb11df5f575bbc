import type { SecurityEvent } from './security-event.js';

/** Batches whose every event the host's source runner checked against the whole contract (`markScreened`). */
const screenedBatches = new WeakSet<readonly SecurityEvent[]>();

/**
 * Marks a batch the source runner checked with `securityEventProblem` (which includes `jsonValueProblem`): a journal
 * then skips that walk (`JournalSerializer.checkBatch`) instead of doing it twice. Internal to core (not exported).
 */
export const markScreened = (events: readonly SecurityEvent[]): readonly SecurityEvent[] => {
  screenedBatches.add(events);
  return events;
};

/** True for a batch `markScreened` marked. */
export const isScreened = (events: readonly SecurityEvent[]): boolean => screenedBatches.has(events);
