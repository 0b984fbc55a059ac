// Shared set-up of the browser tests: Debian's chromium driven by playwright-core, a fresh profile per
// test, and where screenshots go.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A tap `skip` value: false where Chromium is installed, else why the test is skipped. */
export const skipWithoutChromium: false | string = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;

const root = new URL('../../', import.meta.url).pathname;

/**
 * Screenshots go to docs/img/ only when asked (RXTRAIN_SCREENSHOTS=1), so a test run leaves the
 * tracked images alone; otherwise to the OS temp folder.
 */
export const screenshotPath = (name: string): string =>
  process.env.RXTRAIN_SCREENSHOTS === '1' ? join(root, 'docs', 'img', name) : join(tmpdir(), `rxtrain-${process.pid}-${name}`);

/** Launch headless Chromium with a new profile and return its page; closed and removed at teardown. */
export async function openPage(t: { teardown(fn: () => unknown): void }): Promise<Page> {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'rxtrain-chromium-'));
  t.teardown(() => rmSync(profile, { recursive: true, force: true }));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    viewport: { width: 1400, height: 760 },
  });
  t.teardown(() => context.close());
  return context.pages()[0] ?? (await context.newPage());
}

/** A page on a monitor's dashboard, live: its errors are collected in `pageErrors`. */
export async function openDashboard(t: { teardown(fn: () => unknown): void }, url: string): Promise<{ page: Page; pageErrors: string[] }> {
  const page = await openPage(t);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(url);
  await page.waitForSelector('#status.open', { timeout: 120_000 });
  return { page, pageErrors };
}

/**
 * Pixels drawn (not transparent) on the page's canvases with these ids, together. `colouredOnly`: only
 * pixels in colour, the curves (their hues are saturated), not the charts' grey grid, ticks and titles,
 * so that a chart with axes but no curve counts 0.
 */
export function inkedPixels(page: Page, ids: readonly string[], { colouredOnly = false } = {}): Promise<number> {
  return page.evaluate(([canvasIds, coloured]: readonly [readonly string[], boolean]): number => {
    let n = 0;
    for (const id of canvasIds) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const c = (globalThis as any).document.getElementById(id);
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && (!coloured || Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 60)) n++;
    }
    return n;
  }, [ids, colouredOnly] as const);
}
