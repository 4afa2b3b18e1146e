/**
 * Issue 22: whatever came from a request or a policy is rendered as text. The front end's sources
 * may not use the APIs that turn strings into markup or code; the built page carries no inline
 * script or style for the CSP to block.
 */
import test from 'ava';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const SOURCES = join(process.cwd(), 'console/src');
const BUILT = join(process.cwd(), 'build/console-web/index.html');

/** Markup and code sinks: any use of one in the console's sources is a finding. */
const SINKS: Array<[string, RegExp]> = [
  ['innerHTML', /\binnerHTML\b/],
  ['outerHTML', /\bouterHTML\b/],
  ['insertAdjacentHTML', /\binsertAdjacentHTML\b/],
  ['dangerouslySetInnerHTML', /\bdangerouslySetInnerHTML\b/],
  ['v-html', /\bv-html\b/],
  ['document.write', /\bdocument\.write(ln)?\s*\(/],
  ['eval', /(^|[^.\w])eval\s*\(/],
  ['new Function', /\bnew\s+Function\s*\(/],
  ['createContextualFragment', /\bcreateContextualFragment\b/],
  ['DOMParser', /\bDOMParser\b/],
  ['javascript: URL', /javascript:/i],
];

function sinksIn(text: string): string[] {
  return SINKS.filter(([, pattern]) => pattern.test(text)).map(([name]) => name);
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

test('the detector finds each sink it looks for', (t) => {
  const samples = ['el.innerHTML = x', 'el.outerHTML = x', 'el.insertAdjacentHTML("beforeend", x)', '<div dangerouslySetInnerHTML={{ __html: x }} />', '<p v-html="x">', 'document.write(x)', 'eval(x)', 'new Function(x)', 'range.createContextualFragment(x)', 'new DOMParser()', 'href="javascript:alert(1)"'];
  t.deepEqual(samples.map((s) => sinksIn(s).length), samples.map(() => 1));
  t.deepEqual(sinksIn('const evaluate = () => retrieval(x); node.textContent = x;'), []);
});

test('no front-end source renders a string as markup or code', (t) => {
  const sources = files(SOURCES).filter((f) => /\.(tsx?|jsx?|html|css)$/.test(f));
  t.true(sources.length >= 10, `found ${sources.length} sources under console/src`);
  const findings = sources.flatMap((f) => sinksIn(readFileSync(f, 'utf8')).map((sink) => `${f}: ${sink}`));
  t.deepEqual(findings, []);
});

test('the built page loads only files of its own: no inline script or style, no CDN', (t) => {
  if (!existsSync(BUILT)) {
    t.fail(`${BUILT} is missing: npm test builds it first (pretest), or run npm run build`);
    return;
  }
  const html = readFileSync(BUILT, 'utf8');
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
  t.true(scripts.length > 0);
  for (const [, attributes, body] of scripts) {
    t.regex(attributes!, /\bsrc="\/assets\/[\w.-]+\.js"/);
    t.is(body!.trim(), '', 'no inline script');
  }
  t.notRegex(html, /<style\b/);
  t.notRegex(html, /\sstyle=/);
  t.notRegex(html, /\son[a-z]+=/i);
  t.notRegex(html, /https?:\/\//, 'nothing from another origin');
});
