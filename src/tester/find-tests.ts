import type { Module, Rule, Term } from '../rego/ast.js';
import type { PolicyFiles } from '../bundle/policy-files.js';
import { parseModules, renameDuplicateTests } from '../rego/compile.js';

/** Rules whose name starts with this are tests, as in `opa test`. */
export const TEST_PREFIX = 'test_';
/** Rules whose name starts with this are tests reported as skipped, as in `opa test`. */
export const SKIP_TEST_PREFIX = 'todo_test_';

/**
 * How a test is run: `single` (its value must be `true`), `cases` (a partial object or set: one
 * result per key, as OPA 1.x's parameterized tests), `skip` (`todo_test_*`), or `invalid` (named
 * as a test but cannot be one, such as a function: reported as an error, never silently dropped).
 */
export type TestKind = 'single' | 'cases' | 'skip' | 'invalid';

export interface TestCase {
  /** `data.pkg.test_name` (or `data.pkg.a.test_name` for a ref head). */
  name: string;
  /** `data.pkg` */
  package: string;
  /** The rule's path inside its package: `test_name`, `a.test_name`. */
  rule: string;
  entrypoint: string;
  file: string;
  line: number;
  col: number;
  kind: TestKind;
  /** Why an `invalid` test cannot run. */
  problem?: string;
}

/** A test and the rule definitions that make it (a parameterized test may have several). */
export interface DiscoveredTest {
  test: TestCase;
  module: Module;
  /** Every rule defining it, with its module (a parameterized test may be defined in several files). */
  definitions: Array<{ rule: Rule; module: Module }>;
  /** Index in the head's ref of the test's own name (the terms after it are the case keys). */
  nameIndex: number;
}

function segmentName(t: Term, first: boolean): string | undefined {
  if (first && t.type === 'var') return t.name;
  if (!first && t.type === 'string') return t.value;
  return undefined;
}

/** The head ref's ground prefix up to its first `test_`/`todo_test_` segment, as OPA's `ruleName`. */
function testNameOf(rule: Rule): { segments: string[]; index: number } | undefined {
  const segments: string[] = [];
  for (let i = 0; i < rule.head.ref.length; i++) {
    const name = segmentName(rule.head.ref[i]!, i === 0);
    if (name === undefined) return undefined;
    segments.push(name);
    if (name.startsWith(TEST_PREFIX) || name.startsWith(SKIP_TEST_PREFIX)) return { segments, index: i };
  }
  return undefined;
}

function kindOf(rule: Rule, name: string, index: number): { kind: TestKind; problem?: string } {
  if (name.startsWith(SKIP_TEST_PREFIX)) return { kind: 'skip' };
  if (rule.head.args) return { kind: 'invalid', problem: 'a test rule cannot take arguments (it is a function)' };
  if (rule.head.ref.length > index + 1 || rule.head.contains) return { kind: 'cases' };
  return { kind: 'single' };
}

/**
 * Every rule named `test_*` or `todo_test_*` (the first such segment of a ref head's ground prefix,
 * as OPA's runner finds them), one test per definition of a single-valued test (later ones renamed
 * `test_x#01`…) and one per parameterized test (its definitions together), sorted by name.
 */
export function discoverTests(modules: Module[]): DiscoveredTest[] {
  const byName = new Map<string, DiscoveredTest>();
  for (const module of modules) {
    const pkg = module.package.path.map((p) => p.value);
    for (const rule of module.rules) {
      const found = testNameOf(rule);
      if (!found) continue;
      const path = [...pkg, ...found.segments];
      const name = `data.${path.join('.')}`;
      const known = byName.get(name);
      if (known) {
        known.definitions.push({ rule, module });
        continue;
      }
      const { kind, problem } = kindOf(rule, found.segments.at(-1)!, found.index);
      const test: TestCase = {
        name,
        package: `data.${pkg.join('.')}`,
        rule: found.segments.join('.'),
        entrypoint: path.join('/'),
        file: rule.loc.file,
        line: rule.loc.line,
        col: rule.loc.col,
        kind,
        ...(problem ? { problem } : {}),
      };
      byName.set(name, { test, module, definitions: [{ rule, module }], nameIndex: found.index });
    }
  }
  return [...byName.values()].sort((a, b) => a.test.name.localeCompare(b.test.name));
}

/** The tests of a policy directory (parsed as the runner parses it). */
export function findTests(files: PolicyFiles, regoVersion: 0 | 1 = 1): TestCase[] {
  const { modules } = parseModules(files.modules, regoVersion);
  renameDuplicateTests(modules);
  return discoverTests(modules).map((d) => d.test);
}
