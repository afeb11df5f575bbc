import type { ConnectorStatus, DestinationStatus } from '../connector.js';

export interface Readiness {
  readonly ready: boolean;
  /** Why not, one line each (empty when ready). Names and durations only: `/readyz` is public. */
  readonly reasons: readonly string[];
}

/**
 * How long a destination has been unable to deliver, ms; 0 while it delivers or has nothing to send. It fails
 * while its last attempt failed (`lastError`) with events waiting; it has been failing since it last delivered or,
 * if it was idle before, since it had events to send again (`lagMs`), whichever is later.
 */
export const failingForMs = (destination: DestinationStatus, now: number): number => {
  if (destination.lastError === undefined || destination.lag === 0) return 0;
  const sinceDelivery = destination.lastDeliveryAt === undefined ? Number.POSITIVE_INFINITY : now - destination.lastDeliveryAt;
  return Math.max(0, Math.min(destination.lagMs, sinceDelivery));
};

/** Ready unless a destination has been unable to deliver for longer than `maxFailingForMs`. */
export const assessReadiness = (status: ConnectorStatus, maxFailingForMs: number): Readiness => {
  const reasons = status.destinations.flatMap((destination) => {
    const failing = failingForMs(destination, status.at);
    return failing > maxFailingForMs
      ? [`destination ${destination.destination} has been unable to deliver for ${Math.round(failing / 1_000)}s (admin.readiness.maxFailingFor: ${Math.round(maxFailingForMs / 1_000)}s)`]
      : [];
  });
  return { ready: reasons.length === 0, reasons };
};
