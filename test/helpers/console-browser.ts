/**
 * A logged-in console in real Chromium against a real `warden serve --dev --console`: one server and
 * one browser for a whole test file, with what the page did that it must not (dialogs, CSP
 * violations) collected as it happens.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './chromium.js';
import { startServe, type ServeProcess } from './serve-process.js';

export interface ConsoleBrowser {
  serve: ServeProcess;
  /** `host:port` of the gRPC port. */
  grpcAddress: string;
  /** `https://127.0.0.1:PORT` of the console. */
  consoleUrl: string;
  browser: Browser;
  context: BrowserContext;
  /** The page, logged in. */
  page: Page;
  /** Messages of every dialog the page opened (each dismissed). */
  dialogs: string[];
  /** Console messages about Content Security Policy. */
  cspReports: string[];
  /** The `securitypolicyviolation` events the page itself saw since it was last loaded. */
  pageViolations(): Promise<string[]>;
  /** Closes the browser and stops the server. */
  close(): Promise<void>;
}

export interface ConsoleBrowserOptions {
  /** `warden serve --dev` arguments besides the listen, metrics and console addresses. */
  serveArgs?: string[];
  /** Chromium's `--host-resolver-rules`, e.g. `MAP rebound.example 127.0.0.1`. */
  hostRules?: string;
}

async function loginLink(serve: ServeProcess): Promise<string> {
  // The link is written just after the "serving on" line.
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
    const link = /console login link \(one use, 10 minutes\): (\S+)\n/.exec(serve.stderrText())?.[1];
    if (link) return link;
  }
  throw new Error(`no login link printed: ${serve.stderrText()}`);
}

/**
 * Starts `warden serve --dev` in `dir` (which holds `policies/`) with a console on a free loopback
 * port, launches Chromium and logs in with the one-time link; throws if the token stays in the
 * address bar.
 */
export async function openConsole(dir: string, options: ConsoleBrowserOptions = {}): Promise<ConsoleBrowser> {
  const serve = startServe(dir, ['--listen', '127.0.0.1:0', '--metrics', '127.0.0.1:0', '--console', '127.0.0.1:0', ...(options.serveArgs ?? [])]);
  const stopServe = async () => {
    if (serve.exitCode !== null) return;
    serve.kill('SIGTERM');
    await serve.exited;
  };
  let browser: Browser | undefined;
  try {
    const grpcAddress = await serve.serving();
    const link = await loginLink(serve);
    browser = await launchChromium(options.hostRules);
    // The development CA is not in the browser's store: its certificate errors are accepted here only.
    const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1400, height: 900 } });
    // Runs in the page (the test's own lib has no DOM types): every CSP violation is kept in __csp.
    await context.addInitScript(`document.addEventListener('securitypolicyviolation', (e) => { (window.__csp ??= []).push(e.violatedDirective + ' ' + e.blockedURI); });`);
    const page = await context.newPage();
    const dialogs: string[] = [];
    const cspReports: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspReports.push(m.text());
    });
    await page.goto(link);
    if (page.url().includes('token=')) throw new Error(`the login token stayed in the address bar: ${page.url()}`);
    const opened = browser;
    return {
      serve,
      grpcAddress,
      consoleUrl: new URL(link).origin,
      browser: opened,
      context,
      page,
      dialogs,
      cspReports,
      pageViolations: () => page.evaluate(() => (globalThis as unknown as { __csp?: string[] }).__csp ?? []),
      async close() {
        await opened.close();
        await stopServe();
      },
    };
  } catch (e) {
    await browser?.close();
    await stopServe();
    throw e;
  }
}
