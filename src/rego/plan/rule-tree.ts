import type { RuleDef, RuleGroup } from '../compile/rule-defs.js';
import type { Diagnostic } from '../diagnostics.js';
import type { Term } from '../ast.js';

/** A node of `data`'s virtual-document tree: rules defined here and deeper paths. */
export interface TreeNode {
  group?: RuleGroup;
  children: Map<string, TreeNode>;
}

export class RuleTree {
  readonly root: TreeNode = { children: new Map() };
  readonly groups: RuleGroup[] = [];

  constructor(defs: RuleDef[], report: (d: Diagnostic) => void, packages: string[][] = []) {
    // A package exists as a (possibly empty) document even when it defines no rules.
    for (const pkg of packages) {
      let node = this.root;
      for (const seg of pkg) {
        let next = node.children.get(seg);
        if (!next) {
          next = { children: new Map() };
          node.children.set(seg, next);
        }
        node = next;
      }
    }
    for (const def of defs) {
      let node = this.root;
      for (const seg of def.path) {
        let next = node.children.get(seg);
        if (!next) {
          next = { children: new Map() };
          node.children.set(seg, next);
        }
        node = next;
      }
      if (!node.group) {
        node.group = { path: def.path, kind: def.kind, defs: [], defaults: [], arity: def.args.length };
        this.groups.push(node.group);
      }
      const g = node.group;
      if (g.kind !== def.kind && !(def.isDefault && g.kind === 'complete' && def.kind === 'complete')) {
        const loc = def.loc;
        report({
          code: 'rego_type_error',
          message: `conflicting rules data.${def.path.join('.')} found`,
          file: loc.file,
          line: loc.line,
          col: loc.col,
        });
        continue;
      }
      if (g.kind === 'function' && def.args.length !== g.arity) {
        report({
          code: 'rego_type_error',
          message: `conflicting rules data.${def.path.join('.')} found: functions must have the same arity`,
          file: def.loc.file,
          line: def.loc.line,
          col: def.loc.col,
        });
        continue;
      }
      if (def.isDefault) {
        if (g.defaults.length > 0) {
          report({ code: 'rego_type_error', message: `multiple default rules data.${def.path.join('.')} found`, file: def.loc.file, line: def.loc.line, col: def.loc.col });
        }
        g.defaults.push(def);
      } else g.defs.push(def);
    }
    this.foldUnderObjectRules();
  }

  /**
   * Rules defined below a rule with variable keys (`p[q] contains r` and `p.b contains "foo"`) are
   * one document, as in OPA: their definitions join the upper rule as inserts at ground keys, so
   * sets union and clashing values are conflicts. Rules with defaults or `else` stay separate.
   */
  private foldUnderObjectRules(node: TreeNode = this.root): void {
    const g = node.group;
    if (g?.kind === 'object' && g.defs.length > 0) {
      const leafSets = g.defs.every((d) => d.element !== undefined);
      if (g.defs.every((d) => (d.element !== undefined) === leafSets)) {
        const folded = new Set<RuleGroup>();
        const visit = (n: TreeNode, below: string[]): boolean => {
          let all = true;
          for (const [seg, child] of n.children) {
            const sub = [...below, seg];
            const d = child.group;
            if (d) {
              const fits = d.kind === (leafSets ? 'set' : 'complete') || (d.kind === 'object' && d.defs.every((x) => (x.element !== undefined) === leafSets));
              if (!fits || d.defaults.length > 0 || d.defs.some((x) => x.elses.length > 0)) {
                all = false;
                continue;
              }
              for (const def of d.defs) {
                const ground = sub.map((value): Term => ({ type: 'string', value, loc: def.loc }));
                g.defs.push({ ...def, kind: 'object', keys: [...ground, ...def.keys] });
              }
              folded.add(d);
              child.group = undefined;
            }
            if (visit(child, sub) && child.children.size === 0 && !child.group) n.children.delete(seg);
            else all = false;
          }
          return all;
        };
        // Deeper rules first: they build the objects on their way, and a rule whose value lands
        // on one of those keys afterwards is a conflict rather than a write into its value.
        const own = g.defs.splice(0, g.defs.length);
        visit(node, []);
        g.defs.push(...own);
        if (folded.size > 0) this.groups.splice(0, this.groups.length, ...this.groups.filter((x) => !folded.has(x)));
        return;
      }
    }
    for (const child of node.children.values()) this.foldUnderObjectRules(child);
  }

  /** The node at `path`, if any rule lives at or below it. */
  node(path: string[]): TreeNode | undefined {
    let node: TreeNode | undefined = this.root;
    for (const seg of path) {
      node = node.children.get(seg);
      if (!node) return undefined;
    }
    return node;
  }

  /**
   * Whether `data` along `path` is base data: its leading string keys leave the tree of rules and
   * packages before any rule, or any key that is not a string, is reached.
   */
  isBaseData(path: readonly Term[]): boolean {
    let node = this.root;
    for (const seg of path) {
      if (node.group || seg.type !== 'string') return false;
      const next = node.children.get(seg.value);
      if (!next) return true;
      node = next;
    }
    // The whole path names rules or packages: a virtual document.
    return false;
  }

  /** The group of the rule at `path` or at an ancestor of it, and how many segments it takes. */
  ruleAlong(path: string[]): { group: RuleGroup; depth: number } | undefined {
    let node: TreeNode | undefined = this.root;
    for (let i = 0; i < path.length; i++) {
      node = node.children.get(path[i]!);
      if (!node) return undefined;
      if (node.group) return { group: node.group, depth: i + 1 };
    }
    return undefined;
  }
}
