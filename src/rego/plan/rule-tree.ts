import type { RuleDef, RuleGroup } from '../compile/rule-defs.js';
import type { Diagnostic } from '../diagnostics.js';

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
