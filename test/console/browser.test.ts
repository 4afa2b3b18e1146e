/**
 * The console in real Chromium against a real `warden serve --dev --console`: one server and one
 * browser for the whole file. Screenshots go under the test's temp folder (paths in the log), and
 * into docs/console/ too when WARDEN_DOCS_SCREENSHOTS=1 (npm run docs:screenshots).
 */
import anyTest, { type TestFn } from 'ava';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { ensureChromium } from '../helpers/chromium.js';
import { wardenAsync } from '../helpers/cli.js';
import { openConsole, type ConsoleBrowser } from '../helpers/console-browser.js';
import { servingFolder } from '../helpers/serve-process.js';
import { temporaryDirectory } from '../helpers/temp-dir.js';

const test = anyTest as TestFn;
const browserTest = (await ensureChromium(console)) ? test.serial : test.skip;

const FRONTEND = 'spiffe://warden.local/ns/shop/sa/frontend';
const PAYLOAD = '/<img src=x onerror="window.__pwned=1">"><svg onload="window.__pwned=2">{{constructor.constructor(\'window.__pwned=3\')()}}';
const shots = temporaryDirectory('warden-console-shots-');
let dir: string;
let session: ConsoleBrowser;
let grpcAddress: string;
let consoleUrl: string;
let context: BrowserContext;
let page: Page;
let dialogs: string[];
let cspReports: string[];

async function screenshot(t: { log(...v: unknown[]): void }, name: string): Promise<void> {
  const path = join(shots, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  t.log(`screenshot: ${path}`);
  if (process.env['WARDEN_DOCS_SCREENSHOTS'] === '1') {
    mkdirSync(join(process.cwd(), 'docs/console'), { recursive: true });
    copyFileSync(path, join(process.cwd(), 'docs/console', `${name}.png`));
  }
}

async function check(action: string, path = '/', service = 'orders'): Promise<{ decisionId: string; allowed: boolean }> {
  const r = await wardenAsync(['check', '--address', grpcAddress, '--cert', 'frontend.pem', '--key', 'frontend-key.pem', '--ca', '.warden/ca.pem', '--action', action, '--service', service, '--path', path], dir);
  const answer = JSON.parse(r.stdout) as { decision_id?: string; decisionId?: string; allowed: boolean };
  const decisionId = answer.decision_id ?? answer.decisionId;
  if (!decisionId) throw new Error(`warden check gave no decision id: ${r.stdout}${r.stderr}`);
  return { decisionId, allowed: answer.allowed };
}

test.before(async () => {
  if (browserTest === test.skip) return;
  dir = servingFolder('warden-console-');
  session = await openConsole(dir, { hostRules: 'MAP rebound.example 127.0.0.1' });
  ({ grpcAddress, consoleUrl, context, page, dialogs, cspReports } = session);
  const cert = await wardenAsync(['dev-cert', FRONTEND], dir);
  if (cert.code !== 0) throw new Error(`dev-cert failed: ${cert.stderr}`);
});

test.after.always(async () => {
  await session?.close();
});

browserTest('the login link leaves the address bar and the page loads under its CSP', async (t) => {
  t.is(new URL(page.url()).pathname, '/');
  t.false(page.url().includes('token'));
  await page.waitForSelector('header nav');
  t.is(await page.locator('header .who').textContent(), 'dev-login');
});

/** Waits for the record panel to show the decision `id` (a record opened before may still be on screen). */
async function recordShown(id: string): Promise<void> {
  await page.locator('.record-json', { hasText: id }).waitFor({ timeout: 5_000 });
}

browserTest('a check made with warden check appears in the live view within 2 s; its record opens', async (t) => {
  await page.goto(`${consoleUrl}/#/live`);
  await page.waitForSelector('.status.ok');
  const { decisionId, allowed } = await check('orders.read');
  t.true(allowed);
  const row = page.locator(`tr[data-decision-id="${decisionId}"]`);
  await row.waitFor({ timeout: 2_000 });
  t.regex((await row.textContent()) ?? '', /allowed.*frontend.*orders\.read.*orders/);
  await row.click();
  await recordShown(decisionId);
  t.true(((await page.locator('.record-json').textContent()) ?? '').includes(decisionId));
  await screenshot(t, 'live-decisions');
});

browserTest('a script payload in a path shows as literal text, runs nothing and breaks no CSP rule', async (t) => {
  await page.goto(`${consoleUrl}/#/live`);
  await page.waitForSelector('.status.ok');
  const { decisionId } = await check('orders.read', PAYLOAD);
  const row = page.locator(`tr[data-decision-id="${decisionId}"]`);
  await row.waitFor({ timeout: 5_000 });
  t.true(((await row.textContent()) ?? '').includes(PAYLOAD), 'the payload is shown as text');
  await row.click();
  await recordShown(decisionId);
  t.true(((await page.locator('.record-json').textContent()) ?? '').includes('<img src=x onerror='));
  t.is(await page.locator('main img, main svg').count(), 0, 'no element was made from the payload');
  t.is(await page.evaluate(() => (globalThis as unknown as { __pwned?: unknown }).__pwned), undefined, 'no global set');
  t.deepEqual(dialogs, []);
  t.deepEqual(await page.evaluate(() => (globalThis as unknown as { __csp?: string[] }).__csp ?? []), []);
  t.deepEqual(cspReports, []);
  await screenshot(t, 'payload-as-text');
});

browserTest('payloads in the action, service and path show as text on every page: nothing runs, no CSP rule breaks', async (t) => {
  const service = 'pay<svg onload="window.__pwned=4">ments';
  const { decisionId } = await check('read"><img src=x onerror="window.__pwned=5">', `${PAYLOAD}?q=<script>window.__pwned=6</script>`, service);
  for (const view of ['live', 'graph', 'protection', 'revision', 'advisor']) {
    await page.goto(`${consoleUrl}/#/${view}`);
    await page.waitForLoadState('networkidle');
    if (view === 'live') await page.locator(`tr[data-decision-id="${decisionId}"]`).waitFor({ timeout: 5_000 });
    if (view === 'graph') await page.locator('table.edges tr', { hasText: service }).waitFor({ timeout: 5_000 });
    t.is(await page.locator('main img, main svg, main script').count(), 0, `${view}: no element was made from a payload`);
  }
  t.is(await page.evaluate(() => (globalThis as unknown as { __pwned?: unknown }).__pwned), undefined, 'no global set');
  t.deepEqual(dialogs, []);
  t.deepEqual(await page.evaluate(() => (globalThis as unknown as { __csp?: string[] }).__csp ?? []), []);
  t.deepEqual(cspReports, []);
});

browserTest('the service graph shows the frontend → orders edge', async (t) => {
  await check('orders.create');
  await page.goto(`${consoleUrl}/#/graph`);
  const edge = page.locator('table.edges tr', { hasText: FRONTEND }).filter({ hasText: 'orders' });
  await edge.waitFor({ timeout: 5_000 });
  const cells = await edge.locator('td').allTextContents();
  t.is(cells[0], FRONTEND);
  t.is(cells[1], 'orders');
  t.true(Number(cells[2]) >= 1 && Number(cells[3]) >= 1, `allowed and denied both counted: ${cells.join(' | ')}`);
  t.true(Number(await page.locator('.graph-canvas').getAttribute('data-edges')) >= 1);
  t.true((await page.locator('.graph-canvas canvas').count()) > 0, 'cytoscape drew it');
  await page.waitForTimeout(500);
  t.deepEqual(await page.evaluate(() => (globalThis as unknown as { __csp?: string[] }).__csp ?? []), [], 'cytoscape stays inside the CSP');
  await screenshot(t, 'service-graph');
});

browserTest('a playground edit that breaks the policy shows the error at its line', async (t) => {
  await page.goto(`${consoleUrl}/#/playground`);
  const editor = page.locator('.code-editor textarea');
  await editor.waitFor();
  t.regex((await page.locator('.file.active').textContent()) ?? '', /decision\.rego/);
  const lines = (await editor.inputValue()).split('\n');
  const at = lines.indexOf('package warden.authz') + 1;
  t.true(at > 0);
  lines.splice(at, 0, 'broken_rule := no_such_function(1)');
  await editor.fill(lines.join('\n'));
  await page.getByRole('button', { name: 'Evaluate' }).click();
  const errorLine = at + 1;
  const problem = page.locator('.problems li').first();
  await problem.waitFor({ timeout: 30_000 });
  t.is(await problem.getAttribute('data-line'), String(errorLine));
  t.regex((await problem.textContent()) ?? '', new RegExp(`decision\\.rego:${errorLine}:\\d+`));
  t.is(await page.locator('.line-number.error-line').getAttribute('data-line'), String(errorLine));
  t.true(await page.locator('.line-number.error-line').isVisible(), 'the editor scrolled to the error');
  await screenshot(t, 'playground-error');
});

browserTest('the playground runs the policy\'s tests with warden test\'s runner', async (t) => {
  await page.goto(`${consoleUrl}/#/live`);
  await page.goto(`${consoleUrl}/#/playground`);
  await page.locator('.code-editor textarea').waitFor();
  t.true((await page.locator('.files .file', { hasText: '_test.rego' }).count()) > 0, 'the tests beside the policy are listed');
  await page.getByRole('button', { name: 'Run tests' }).click();
  await page.locator('table.tests tr').first().waitFor({ timeout: 60_000 });
  const outcomes = await page.locator('table.tests tr td:first-child').allTextContents();
  t.true(outcomes.length > 0);
  t.deepEqual([...new Set(outcomes)], ['pass'], 'the bundled policy passes its own tests');
  await screenshot(t, 'playground-tests');
});

browserTest('the revision, protection and advisor pages show what is loaded and what was refused', async (t) => {
  await page.goto(`${consoleUrl}/#/revision`);
  await page.locator('.revision dl').waitFor();
  const revision = (await page.locator('.revision dl').textContent()) ?? '';
  t.regex(revision, /unsigned: a policy directory/);
  t.regex(revision, /decision\.rego/);
  await screenshot(t, 'revision');
  await page.goto(`${consoleUrl}/#/protection`);
  await page.locator('.protection h2', { hasText: 'Recent countermeasure denials' }).waitFor();
  await screenshot(t, 'protection');
  await page.goto(`${consoleUrl}/#/advisor`);
  await page.locator('.advisor h2', { hasText: 'Minimal grants' }).waitFor({ timeout: 10_000 });
  t.regex((await page.locator('.advisor').textContent()) ?? '', /Grants never used/);
  await screenshot(t, 'advisor');
});

browserTest('a Host the console does not own gets 421, even when its name resolves here (DNS rebinding)', async (t) => {
  const port = new URL(consoleUrl).port;
  const other = await context.newPage();
  const answer = await other.goto(`https://rebound.example:${port}/`);
  t.is(answer?.status(), 421);
  await other.close();
});

browserTest('a POST from the console page without the CSRF token is 403', async (t) => {
  await page.goto(`${consoleUrl}/#/live`);
  const status = await page.evaluate(async () => {
    const res = await fetch('/api/playground/evaluate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    return res.status;
  });
  t.is(status, 403);
});

browserTest('another origin cannot frame the console, and its form post and credentialed fetch are refused', async (t) => {
  const target = `${consoleUrl}/api/playground/evaluate`;
  const html = `<!doctype html><title>attacker</title>
<iframe id="framed" src="${consoleUrl}/"></iframe>
<form id="forged" method="POST" action="${target}" enctype="text/plain"><input name='{"input":1,"x":"' value='"}'></form>
<script>
fetch(${JSON.stringify(target)}, { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: '{}' })
  .then((r) => { document.title = 'fetch answered ' + r.status; }, () => { document.title = 'fetch refused'; });
</script>`;
  const attacker = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  const other = await context.newPage();
  const refusedFrames: string[] = [];
  other.on('console', (m) => {
    if (/frame-ancestors|Refused to display/i.test(m.text())) refusedFrames.push(m.text());
  });
  try {
    await other.goto(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`);
    await other.waitForFunction(() => (globalThis as unknown as { document: { title: string } }).document.title.startsWith('fetch'), undefined, { timeout: 5_000 });
    t.is(await other.title(), 'fetch refused', 'no CORS answer lets the other origin read or send it');
    const framed = other.frames().find((f) => f !== other.mainFrame());
    t.truthy(framed);
    t.is(await framed!.locator('header nav').count(), 0, 'the console did not render inside the frame');
    t.true(refusedFrames.length > 0 || framed!.url().startsWith('chrome-error:'), `frame refused: ${refusedFrames.join(' ')} ${framed!.url()}`);
    const [answer] = await Promise.all([other.waitForResponse(target), other.locator('#forged').evaluate((form) => (form as unknown as { submit(): void }).submit())]);
    t.true(answer.status() === 401 || answer.status() === 403, `the forged post was refused: ${answer.status()}`);
  } finally {
    await other.close();
    attacker.close();
  }
});

browserTest('the page cannot be framed and the security headers are on it', async (t) => {
  const answer = await page.goto(`${consoleUrl}/`);
  const headers = answer!.headers();
  t.is(headers['x-frame-options'], 'DENY');
  t.regex(headers['content-security-policy'] ?? '', /frame-ancestors 'none'/);
  t.regex(headers['strict-transport-security'] ?? '', /max-age=\d+/);
});

