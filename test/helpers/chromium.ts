/** Debian's chromium driven by playwright-core, headless, for the console's browser tests. */
import { chromium, type Browser } from 'playwright-core';
import { ensureDebianPackage, type LogsLike } from './debian-package.js';

export const CHROMIUM = '/usr/bin/chromium';

/** Installs chromium when it can (see ensureDebianPackage); false (with the reason logged) when it cannot. */
export function ensureChromium(t: LogsLike): Promise<boolean> {
  return ensureDebianPackage(t, 'chromium', CHROMIUM);
}

/**
 * Launches chromium headless with nothing that phones home; `hostRules` maps names to addresses
 * (`MAP rebound.example 127.0.0.1`) so a test can play DNS rebinding. The profile is fresh:
 * playwright's launch() gives every browser a new temporary --user-data-dir of its own (and refuses one passed in).
 */
export async function launchChromium(hostRules?: string): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...(hostRules ? [`--host-resolver-rules=${hostRules}`] : []),
    ],
  });
}
