// Debian's Chromium driven by playwright-core, for tests that open flowpol's HTML output.
// Never `npx playwright install` (its download fails here): the browser is the distribution's
// `chromium` package, installed on first use with apt-get (tests run as root everywhere, CI too).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags that keep the browser quiet: no GPU, no background fetches, no sync, no updates. */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
] as const;

/** Installs Debian's `chromium` when `/usr/bin/chromium` is missing; throws a clear error if it cannot. */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM_PATH)) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'pipe'], env });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: ['ignore', 'ignore', 'pipe'], env });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString('utf8').trim() ?? '';
    throw new Error(
      `browser tests need Debian's chromium at ${CHROMIUM_PATH} and installing it failed ` +
      `(run as root: apt-get update && apt-get install -y chromium): ${stderr || String(err)}`,
    );
  }
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`apt-get install chromium finished but ${CHROMIUM_PATH} does not exist`);
  }
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launches headless Chromium with a fresh user-data-dir (removed again by `close`). */
export async function launchBrowser(): Promise<Browser> {
  ensureChromium();
  const userDataDir = mkdtempSync(join(tmpdir(), 'flowpol-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
    viewport: { width: 1400, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
