import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`; packages/testing/scripts/install-oracles.sh). Never `playwright install`. */
export const CHROMIUM = '/usr/bin/chromium';

/** Whether this machine has the browser; CI installs it, so there a missing one fails instead of skipping. */
export const chromiumMissing = (): boolean => {
  if (existsSync(CHROMIUM)) return false;
  if (process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing: run packages/testing/scripts/install-oracles.sh (apt-get install chromium)`);
  console.warn(`[console tests] skipped: ${CHROMIUM} is missing (apt-get install chromium)`);
  return true;
};

export interface LaunchedChromium {
  readonly browser: Browser;
  /** The browser process's PID, killed by `close()` if it outlives a graceful close. */
  readonly pid: number | undefined;
  close(): Promise<void>;
}

/**
 * Chromium headless with a fresh profile (Playwright's own temporary user-data-dir, removed on close), and nothing
 * that reaches outside the machine: no background networking, component updates, sync or QUIC.
 */
export const launchChromium = async (): Promise<LaunchedChromium> => {
  // launchServer, not launch: its handle has the browser's process, so the PID is ours to stop.
  const server = await chromium.launchServer({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const child = server.process();
  const pid = child.pid;
  let browser: Browser;
  try {
    browser = await chromium.connect(server.wsEndpoint(), { timeout: 30_000 });
  } catch (error) {
    await server.kill();
    throw error;
  }
  return {
    browser,
    pid,
    close: async () => {
      await Promise.race([browser.close().then(() => server.close()), new Promise((resolve) => setTimeout(resolve, 5_000))]).catch(() => {});
      if (child.exitCode === null && child.signalCode === null && pid !== undefined) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    },
  };
};
