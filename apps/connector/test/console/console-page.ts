import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Locator, Page, Response } from 'playwright-core';

// The functions handed to page.evaluate run in the browser. The connector's tsconfig has no DOM lib (and gets none
// for a test's sake): this module declares, for itself only, the little of the DOM those functions touch.
interface PageElement {
  readonly isConnected: boolean;
  contains(other: PageElement | null): boolean;
}
declare const document: {
  readonly activeElement: PageElement | null;
  readonly head: { append(node: unknown): void };
  createElement(tag: 'script'): { textContent: string };
  addEventListener(type: 'securitypolicyviolation', listener: (event: { readonly effectiveDirective: string }) => void, options: { once: boolean }): void;
};
declare const window: object;
declare const getComputedStyle: (element: PageElement) => { readonly outlineStyle: string; readonly outlineWidth: string };

/** Whether the element has the keyboard focus. */
export const isFocused = (target: Locator): Promise<boolean> => target.evaluate((element) => element === document.activeElement);

/** Whether the keyboard focus is inside the element (a modal dialog keeps it there). */
export const focusInside = (target: Locator): Promise<boolean> => target.evaluate((element) => element.contains(document.activeElement));

/** One answer the page received: every body is read, so a test can say a secret never went to the browser. */
export interface RecordedResponse {
  readonly url: string;
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/**
 * Records every response the page gets (documents, scripts, every /api/ answer, errors included). The status
 * stream never ends, so its body cannot be read here; `readStatusStream` reads its first event instead.
 */
export const recordResponses = (page: Page): { all(): Promise<RecordedResponse[]> } => {
  const pending: Promise<RecordedResponse | undefined>[] = [];
  page.on('response', (response: Response) => {
    const contentType = response.headers()['content-type'] ?? '';
    if (contentType.startsWith('text/event-stream')) return;
    pending.push(
      response.body().then(
        (body) => ({ url: response.url(), status: response.status(), contentType, body: body.toString('utf8') }),
        // A redirect or a response the page navigated away from has no body to read.
        () => undefined,
      ),
    );
  });
  return { all: async () => (await Promise.all(pending)).filter((r): r is RecordedResponse => r !== undefined) };
};

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
// Served to the page by Playwright's router only (never by the daemon), from the page's own origin: the console's
// CSP (script-src 'self', no inline script) stays exactly as in production.
const AXE_PATH = '/console/__test-only__/axe.min.js';

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: string[];
}

/** axe-core in the page, every rule it runs by default (WCAG 2.x A/AA and best practices); the violations. */
export const axeViolations = async (page: Page, context?: string): Promise<AxeViolation[]> => {
  await page.route(`**${AXE_PATH}`, (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: AXE_SOURCE }));
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ url: AXE_PATH });
  return page.evaluate(async (selector) => {
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run(selector === undefined ? document : { include: [selector] }, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  }, context);
};

/** Presses Tab (or Shift+Tab) at most `max` times until `target` has the focus: the way a keyboard user gets there. */
export const tabTo = async (page: Page, target: Locator, key: 'Tab' | 'Shift+Tab' = 'Tab', max = 60): Promise<void> => {
  for (let i = 0; i < max; i += 1) {
    if (await isFocused(target)) return;
    await page.keyboard.press(key);
  }
  throw new Error(`${key} did not reach ${target.toString()} in ${max} presses`);
};

/** The focused element's outline, as drawn: a keyboard user must see where the focus is. */
export const focusOutline = (page: Page): Promise<string> =>
  page.evaluate(() => {
    const element = document.activeElement;
    if (element === null || !element.isConnected) return 'none';
    const style = getComputedStyle(element);
    return style.outlineStyle === 'none' || style.outlineWidth === '0px' ? 'none' : `${style.outlineStyle} ${style.outlineWidth}`;
  });

const SCREENSHOTS = fileURLToPath(new URL('../../../../docs/screenshots/', import.meta.url));

/**
 * A screenshot for the README: written to docs/screenshots/ with `UPDATE_SCREENSHOTS=1`, else into the test's own
 * folder (taken either way, so a page that cannot be drawn fails every run; the committed ones change on purpose only).
 */
export const screenshot = async (page: Page, name: string, scratchDir: string, target: Locator | 'viewport' | 'full-page' = 'full-page'): Promise<void> => {
  const dir = process.env.UPDATE_SCREENSHOTS === '1' ? SCREENSHOTS : scratchDir;
  await mkdir(dir, { recursive: true });
  const path = `${dir}/${name}.png`;
  const options = { path, animations: 'disabled', timeout: 30_000 } as const;
  if (target === 'viewport' || target === 'full-page') {
    await page.screenshot({ ...options, fullPage: target === 'full-page' });
    return;
  }
  // A modal panel scrolls inside the viewport: a taller one shows it whole.
  const size = page.viewportSize();
  await page.setViewportSize({ width: size?.width ?? 1280, height: 1_800 });
  try {
    await target.screenshot(options);
  } finally {
    if (size !== null) await page.setViewportSize(size);
  }
};

/** The CSP the daemon sends refuses an inline script: the directive the browser reports as violated. */
export const inlineScriptViolation = (page: Page): Promise<string> =>
  page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        document.addEventListener('securitypolicyviolation', (event) => resolve(event.effectiveDirective), { once: true });
        const script = document.createElement('script');
        script.textContent = 'window.__inlineRan = true';
        document.head.append(script);
        setTimeout(() => resolve((window as unknown as { __inlineRan?: boolean }).__inlineRan === true ? 'ran' : 'no report'), 2_000);
      }),
  );
