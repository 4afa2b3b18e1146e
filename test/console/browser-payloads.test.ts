/**
 * Issue 22's payloads sent the two ways browser.test.ts does not: through Envoy's external
 * authorization (in request headers, path, host and the caller's principal, as a sidecar forwards
 * them) and in the claims of a verified service-account JWT (`sub`, `name`). A test policy beside
 * the bundled one quotes a header, the host and the token's subject in its reasons, as a careless
 * policy might; the bundled policy and the auto-ban quote the subject's parts themselves. Every
 * console page that shows them must show them as literal text, with no script run, no dialog, no
 * global set and no CSP violation. One server and one browser for the whole file.
 */
import anyTest, { type ExecutionContext, type TestFn } from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ensureChromium } from '../helpers/chromium.js';
import { wardenAsync } from '../helpers/cli.js';
import { openConsole, type ConsoleBrowser } from '../helpers/console-browser.js';
import { servingFolder } from '../helpers/serve-process.js';
import { wardenClients, type WardenClients } from '../helpers/warden-grpc.js';
import { AUDIENCE, ISSUER, signingKey, token, writeJwks, type SigningKey } from '../server/helpers/jwks.js';
import { temporaryDirectory } from '../helpers/temp-dir.js';

const test = anyTest as TestFn;
const browserTest = (await ensureChromium(console)) ? test.serial : test.skip;

/** Each kind of payload of issue 22: any of them that ran would set `window.__pwned` or open a dialog. */
const KINDS = {
  script: `<script>window.__pwned='script';alert('script')</script>`,
  img: `<img src=x onerror="window.__pwned='img';alert('img')">`,
  svg: `<svg onload="window.__pwned='svg';alert('svg')">`,
  link: `<a href="javascript:window.__pwned='link';alert('link')">open</a>`,
  breakout: `"><img src=x onerror=alert('breakout')>`,
  template: `{{constructor.constructor('window.__pwned="template";alert("template")')()}}`,
};
const ALL = Object.values(KINDS).join(' ');
const JAVASCRIPT_URL = `javascript:window.__pwned='referer';alert('referer')`;

const FRONTEND = 'spiffe://warden.local/ns/shop/sa/frontend';
/** The orders service's sidecar: the requester of the Envoy checks (it may assert its callers). */
const ORDERS = 'spiffe://warden.local/ns/shop/sa/orders';

/** Envoy check A: a known caller whose request carries payloads in headers, path and query. */
const ENVOY_PATH = `/orders/${KINDS.script}${KINDS.img}?next=${JAVASCRIPT_URL}&q=${KINDS.svg}${KINDS.template}`;
const ENVOY_PATH_ONLY = ENVOY_PATH.slice(0, ENVOY_PATH.indexOf('?'));
const ENVOY_HEADERS = { ':method': 'GET', 'x-payload': ALL, 'user-agent': KINDS.img, referer: JAVASCRIPT_URL };
/** Envoy check B: a principal and a host that are payloads, and no destination principal (so the host names the service). */
const PRINCIPAL = `${KINDS.link}${KINDS.breakout}${KINDS.template}`;
const HOST = `orders${KINDS.breakout}${KINDS.template}`;
/** JWT C: a `sub` that is neither a SPIFFE ID nor a Kubernetes one is kept as it is; `name` is another claim shown. */
const SUB = ALL;
const NAME = `${KINDS.template}${KINDS.link}`;
/** JWT D: a Kubernetes service-account `sub` (no ":" inside a part) whose namespace and account the bundled policy quotes. */
const NAMESPACE = `${KINDS.svg}${KINDS.template}`;
const ACCOUNT = `${KINDS.img}${KINDS.breakout}${KINDS.script}`;
const K8S_SUB = `system:serviceaccount:${NAMESPACE}:${ACCOUNT}`;

/** Beside the bundled policy: reasons that quote what the caller controls. */
const QUOTING_POLICY = `package warden.authz

deny contains msg if {
	value := input.http.headers["x-payload"]
	msg := sprintf("header x-payload is not accepted: %s", [value])
}

deny contains msg if {
	input.resource.service == ""
	msg := sprintf("host %s names no service", [input.http.host])
}

deny contains msg if {
	input.subject.authenticated_by == "jwt"
	name := input.subject.claims.name
	msg := sprintf("token subject %s (%s) is not on the roster", [input.subject.id, name])
}
`;

// Two policy denials of a subject ban it; the same two raise a deny-burst alert about it.
const PROTECTION_CONFIG = `autoBan:
  - by: subject
    after: 2
    within: 10m
    banFor: 10m
alerts:
  denyBurst: { count: 2, within: 10m }
`;

/** What one decision should show: by the live row's cells, and the raw values its record holds. */
interface Sent {
  id: string;
  caller: string;
  service: string;
  path: string;
  reasons: string[];
  /** Values the record (and the playground's input) hold, JSON-escaped there. */
  held: string[];
}

let session: ConsoleBrowser;
let page: Page;
let consoleUrl: string;
let clients: WardenClients;
let key: SigningKey;
const sent: Record<'headers' | 'host' | 'sub' | 'k8s', Sent | undefined> = { headers: undefined, host: undefined, sub: undefined, k8s: undefined };
let banned: { id: string; reason: string } | undefined;

const jsonText = (value: string) => JSON.stringify(value).slice(1, -1);
const allSent = () => Object.values(sent).map((s) => s!);

test.before(async () => {
  if (browserTest === test.skip) return;
  const dir = servingFolder('warden-console-payloads-');
  writeFileSync(join(dir, 'policies/warden/authz/quoting.rego'), QUOTING_POLICY);
  writeFileSync(join(dir, 'protection.yaml'), PROTECTION_CONFIG);
  key = await signingKey('k1');
  const jwks = join(temporaryDirectory('warden-jwks-'), 'jwks.json');
  writeJwks(jwks, [key]);
  session = await openConsole(dir, { serveArgs: ['--config', 'protection.yaml', '--jwks', jwks, '--jwt-issuer', ISSUER, '--jwt-audience', AUDIENCE] });
  ({ page, consoleUrl } = session);
  const cert = await wardenAsync(['dev-cert', ORDERS], dir);
  if (cert.code !== 0) throw new Error(`dev-cert failed: ${cert.stderr}`);
  clients = wardenClients(session.grpcAddress, { cert: join(dir, 'orders.pem'), key: join(dir, 'orders-key.pem'), ca: join(dir, '.warden/ca.pem') });
});

test.after.always(async () => {
  clients?.close();
  await session?.close();
});

type EnvoyAnswer = { status?: { code?: number }; ok_response?: unknown; denied_response?: { headers?: Array<{ header: { key: string; value: string } }> } };

function envoyRequest(principal: string, http: Record<string, unknown>, destination?: string) {
  return {
    attributes: {
      source: { address: { socket_address: { address: '10.0.0.5', port_value: 43210 } }, principal },
      destination: { address: { socket_address: { address: '10.0.0.9', port_value: 8080 } }, ...(destination ? { principal: destination } : {}) },
      request: { http: { method: 'GET', scheme: 'https', protocol: 'HTTP/1.1', ...http } },
    },
  };
}

/** The decision id of a denied Envoy check (the `x-warden-decision-id` Envoy would add). */
function deniedId(t: ExecutionContext, answer: EnvoyAnswer): string {
  t.is(answer.status?.code, 7, 'denied: PERMISSION_DENIED');
  t.falsy(answer.ok_response);
  const id = answer.denied_response?.headers?.find((h) => h.header.key === 'x-warden-decision-id')?.header.value;
  if (!id) throw new Error(`no decision id in ${JSON.stringify(answer)}`);
  return id;
}

type AuthzAnswer = { allowed?: boolean; reasons?: string[]; decision_id: string };

async function tokenCheck(sub: string, claims: Record<string, unknown> = {}): Promise<AuthzAnswer> {
  const jwt = await token(key, { ...claims, sub });
  return clients.authorize<AuthzAnswer>({ action: 'orders.read', resource: { service: 'orders', path: '/' }, subject: { token: jwt } });
}

/** Fails when the page holds an element or handler made from a payload, a payload ran, or the CSP refused anything. */
async function assertNothingRan(t: ExecutionContext, where: string): Promise<void> {
  const made = await page.evaluate(`[...document.querySelectorAll('main *')]
    .filter((el) => /^(script|img|svg|iframe|object|embed|a)$/i.test(el.tagName) || [...el.attributes].some((a) => /^on/i.test(a.name) || /^\\s*javascript:/i.test(a.value)))
    .map((el) => el.outerHTML.slice(0, 160))`);
  t.deepEqual(made, [], `${where}: no element or handler was made from a payload`);
  t.is(await page.evaluate('window.__pwned'), undefined, `${where}: no global set`);
  t.deepEqual(session.dialogs, [], `${where}: no dialog`);
  t.deepEqual(await session.pageViolations(), [], `${where}: no CSP violation seen by the page`);
  t.deepEqual(session.cspReports, [], `${where}: no CSP violation reported`);
}

async function show(view: string): Promise<void> {
  await page.goto(`${consoleUrl}/#/${view}`);
  await page.waitForLoadState('networkidle');
}

browserTest('Envoy checks whose headers, path, host and principal carry payloads are denied, with reasons quoting them', async (t) => {
  const a = await clients.envoyCheck<EnvoyAnswer>(envoyRequest(FRONTEND, { path: ENVOY_PATH, host: 'orders.shop', headers: ENVOY_HEADERS }, ORDERS));
  sent.headers = {
    id: deniedId(t, a),
    caller: FRONTEND,
    service: 'orders',
    path: ENVOY_PATH_ONLY,
    reasons: [`header x-payload is not accepted: ${ALL}`],
    held: [ALL, KINDS.img, JAVASCRIPT_URL, ENVOY_PATH],
  };
  const b = await clients.envoyCheck<EnvoyAnswer>(envoyRequest(PRINCIPAL, { path: `/${KINDS.svg}`, host: HOST, headers: { ':method': 'GET' } }));
  sent.host = { id: deniedId(t, b), caller: PRINCIPAL, service: HOST, path: `/${KINDS.svg}`, reasons: [`host ${HOST} names no service`], held: [PRINCIPAL, HOST] };
});

browserTest('verified JWTs whose sub and name carry payloads are decided and denied with reasons quoting them; a sub denied twice is banned', async (t) => {
  const c = await tokenCheck(SUB, { name: NAME });
  t.false(c.allowed ?? false);
  const roster = `token subject ${SUB} (${NAME}) is not on the roster`;
  t.true(c.reasons?.includes(roster), `the test policy quoted the sub and name: ${JSON.stringify(c.reasons)}`);
  t.true(c.reasons?.some((r) => r.startsWith('subject is not a workload identity')), 'the bundled policy refused a sub that is not a workload identity');
  sent.sub = { id: c.decision_id, caller: SUB, service: 'orders', path: '/', reasons: [roster], held: [SUB, NAME] };

  const noGrant = `no grant lets ${NAMESPACE}/${ACCOUNT} orders.read on orders`;
  const first = await tokenCheck(K8S_SUB);
  const second = await tokenCheck(K8S_SUB);
  for (const d of [first, second]) {
    t.false(d.allowed ?? false);
    t.true(d.reasons?.includes(noGrant), `the bundled policy quoted the namespace and account: ${JSON.stringify(d.reasons)}`);
  }
  sent.k8s = { id: second.decision_id, caller: K8S_SUB, service: 'orders', path: '/', reasons: [noGrant], held: [K8S_SUB, NAMESPACE, ACCOUNT] };
  const third = await tokenCheck(K8S_SUB);
  t.false(third.allowed ?? false);
  const reason = third.reasons?.[0] ?? '';
  t.true(reason.startsWith(`banned: subject ${K8S_SUB} until `), `the ban quotes the sub: ${reason}`);
  banned = { id: third.decision_id, reason };
});

browserTest('live view: caller, service, path and reasons are shown as literal text', async (t) => {
  await show('live');
  for (const s of allSent()) {
    const row = page.locator(`tr[data-decision-id="${s.id}"]`);
    await row.waitFor({ timeout: 10_000 });
    const cells = await row.locator('td').allTextContents();
    t.is(cells[1], 'denied');
    t.is(cells[2], s.caller, 'caller');
    t.is(cells[4], s.service, 'service');
    t.is(cells[5], s.path, 'path');
    for (const reason of s.reasons) t.true(cells[6]!.split('; ').includes(reason), `reason ${reason} in ${cells[6]}`);
  }
  const ban = page.locator(`tr[data-decision-id="${banned!.id}"]`);
  await ban.waitFor({ timeout: 10_000 });
  t.is((await ban.locator('td').allTextContents())[6], banned!.reason);
  await assertNothingRan(t, 'live');
});

browserTest('record view: headers, host, full path, principal and claims are shown as literal text', async (t) => {
  await show('live');
  for (const s of allSent()) {
    await page.locator(`tr[data-decision-id="${s.id}"]`).click({ timeout: 10_000 });
    await page.locator('.record h2', { hasText: s.id }).waitFor();
    const record = (await page.locator('.record-json').textContent()) ?? '';
    for (const value of [...s.held, ...s.reasons]) t.true(record.includes(jsonText(value)), `record ${s.id} shows ${value}`);
  }
  await page.locator(`tr[data-decision-id="${sent.headers!.id}"]`).click();
  await page.locator('.record h2', { hasText: sent.headers!.id }).waitFor();
  const envoy = JSON.parse((await page.locator('.record-json').textContent()) ?? '{}') as { http?: { host?: string; path?: string; headers?: Record<string, string> } };
  t.is(envoy.http?.headers?.['x-payload'], ALL, 'the record parses back to the very header sent');
  t.is(envoy.http?.headers?.['referer'], JAVASCRIPT_URL);
  t.is(envoy.http?.path, ENVOY_PATH);
  await assertNothingRan(t, 'record');
});

interface EdgeTarget {
  x: number;
  y: number;
}

/** Where on the page the graph's edge caller → service can be clicked (a few points along it), and the labels cytoscape draws. */
async function graphState(caller: string, service: string): Promise<{ labels: string[]; points: EdgeTarget[] }> {
  return page.evaluate(
    ([from, to]) => {
      type Point = { x: number; y: number };
      type Element = { data(key: string): unknown; source(): Element; target(): Element; renderedSourceEndpoint(): Point; renderedTargetEndpoint(): Point };
      type Cy = { nodes(): { map<T>(f: (n: Element) => T): T[] }; edges(): { filter(f: (e: Element) => boolean): Element[] } };
      type Container = { _cyreg?: { cy?: Cy }; getBoundingClientRect(): { left: number; top: number } };
      // cytoscape keeps its instance on the container it draws in.
      const container = (globalThis as unknown as { document: { querySelector(s: string): Container | null } }).document.querySelector('.graph-canvas');
      const cy = container?._cyreg?.cy;
      if (!container || !cy) return { labels: [], points: [] };
      const box = container.getBoundingClientRect();
      const edge = cy.edges().filter((e) => e.source().data('label') === from && e.target().data('label') === to)[0];
      const points: Point[] = [];
      if (edge) {
        const [a, b] = [edge.renderedSourceEndpoint(), edge.renderedTargetEndpoint()];
        for (const f of [0.5, 0.35, 0.65]) points.push({ x: box.left + a.x + (b.x - a.x) * f, y: box.top + a.y + (b.y - a.y) * f });
      }
      return { labels: cy.nodes().map((n) => String(n.data('label'))), points };
    },
    [caller, service] as const,
  );
}

/**
 * Clicks the graph's edge caller → service with the mouse, as a person would, and answers the
 * labels cytoscape draws and the edge's detail shown. The graph redraws every 5 s, so a click that
 * missed the edge drawn now is retried.
 */
async function clickEdge(caller: string, service: string): Promise<{ labels: string[]; detail: string }> {
  const detail = page.locator('.edge-detail');
  const shown = async () => ((await detail.count()) > 0 ? ((await detail.textContent()) ?? '') : '');
  let labels: string[] = [];
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; await page.waitForTimeout(200)) {
    await page.locator('.graph-canvas').scrollIntoViewIfNeeded();
    const state = await graphState(caller, service);
    labels = state.labels;
    for (const p of state.points) {
      await page.mouse.click(p.x, p.y);
      const described = await detail.filter({ hasText: `${caller} → ${service}:` }).waitFor({ timeout: 1_000 }).then(() => true, () => false);
      if (described) return { labels, detail: await shown() };
    }
  }
  return { labels, detail: await shown() };
}

browserTest('service graph: node labels, the edge detail a click opens and the table are literal text', async (t) => {
  await show('graph');
  for (const s of allSent()) {
    const row = page.locator('table.edges tr').filter({ hasText: s.caller }).filter({ hasText: s.service });
    await row.first().waitFor({ timeout: 10_000 });
    const cells = await row.first().locator('td').allTextContents();
    t.deepEqual(cells.slice(0, 2), [s.caller, s.service]);
  }
  for (const s of [sent.host!, sent.sub!]) {
    const { labels, detail } = await clickEdge(s.caller, s.service);
    t.true(labels.includes(s.caller) && labels.includes(s.service), `cytoscape labels the nodes with the text itself: ${s.caller}, ${s.service}`);
    t.true(detail.startsWith(`${s.caller} → ${s.service}: `), `the clicked edge is described as text: ${detail}`);
    t.regex(detail, /: \d+ allowed, [1-9]\d* denied$/);
  }
  await assertNothingRan(t, 'graph');
});

browserTest('playground: an Envoy record and a JWT record opened there show their inputs and quoted reasons as text', async (t) => {
  for (const s of [sent.headers!, sent.sub!]) {
    await show('live');
    await page.locator(`tr[data-decision-id="${s.id}"]`).click({ timeout: 10_000 });
    await page.getByRole('button', { name: 'Evaluate in the playground' }).click();
    await page.waitForURL(/#\/playground\?decision=/);
    t.is(await page.locator('input[name="decision"]').inputValue(), s.id);
    await page.locator('.code-editor textarea').waitFor();
    await page.getByRole('button', { name: 'Evaluate' }).click();
    const result = page.locator('.result');
    await result.waitFor({ timeout: 60_000 });
    const decision = JSON.parse((await result.textContent()) ?? '{}') as { allow?: boolean; reasons?: string[] };
    t.false(decision.allow);
    for (const reason of s.reasons) t.true(decision.reasons?.includes(reason), `re-evaluated: ${reason}`);
    const input = await page.locator('textarea[name="input"]').inputValue();
    for (const value of s.held) t.true(input.includes(jsonText(value)), `the input shows ${value}`);
    await assertNothingRan(t, `playground ${s.id}`);
  }
});

browserTest('protection: the ban, its refusal and the deny-burst alert quote the sub as literal text', async (t) => {
  await show('protection');
  const ban = page.locator('table.bans tr').filter({ hasText: K8S_SUB });
  await ban.waitFor({ timeout: 10_000 });
  t.deepEqual((await ban.locator('td').allTextContents()).slice(0, 2), ['subject', K8S_SUB]);
  const hit = page.locator(`table.hits tr`).filter({ hasText: banned!.reason });
  await hit.waitFor({ timeout: 10_000 });
  t.deepEqual((await hit.locator('td').allTextContents()).slice(1), ['ban', K8S_SUB, 'orders', banned!.reason]);
  const alert = page.locator('table.alerts tr').filter({ hasText: `deny burst: ${K8S_SUB} denied` });
  await alert.waitFor({ timeout: 10_000 });
  t.true(((await alert.locator('td').nth(2).textContent()) ?? '').includes(`subject=${K8S_SUB}`));
  await assertNothingRan(t, 'protection');
});

browserTest('advisor: the denied edge of the Kubernetes sub is shown as literal text', async (t) => {
  await show('advisor');
  const edge = page.locator('.advisor li').filter({ hasText: `${NAMESPACE}/${ACCOUNT} → orders` });
  await edge.waitFor({ timeout: 10_000 });
  t.true(((await edge.textContent()) ?? '').startsWith(`${NAMESPACE}/${ACCOUNT} → orders (orders.read): 2 denied`));
  await assertNothingRan(t, 'advisor');
});

browserTest('the checks above can fail: markup put into the page is found and its handler is refused by the CSP', async (t) => {
  await show('live');
  await page.evaluate(`document.querySelector('main').insertAdjacentHTML('beforeend', ${JSON.stringify(`<p class="canary">${KINDS.img}</p>`)})`);
  // A function, not a string: playwright evaluates a string predicate with eval, which the CSP refuses.
  await page.waitForFunction(() => ((globalThis as unknown as { __csp?: string[] }).__csp ?? []).length > 0, undefined, { timeout: 5_000 });
  const made = await page.evaluate(`[...document.querySelectorAll('main img')].length`);
  t.is(made, 1, 'the element is found');
  t.true((await session.pageViolations()).some((v) => v.startsWith('script-src')), 'the inline handler is a CSP violation');
  t.is(await page.evaluate('window.__pwned'), undefined, 'and the CSP kept it from running');
  // Leave the page clean for nothing after: a reload drops the element and the violations seen.
  session.cspReports.length = 0;
  await show('live');
});
