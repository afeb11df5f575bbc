import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from './services.js';

/** The real clock. Tests that need control over time bind their own `Clock`. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    await delay(ms, undefined, signal === undefined ? undefined : { signal });
  },
};
