import { operandTypeError } from '../errors.js';
import type { HostBuiltin } from '../host-builtin.js';
import { RegoSet, type RegoValue } from '../value.js';
import { ValueSet, objectGet, type ObjectValue } from '../rego-object.js';
import { makeSet, setElements } from '../rego-order.js';
import { objectArg, typeName } from '../operands.js';

// graph.reachable and graph.reachable_paths (OPA's reachable.go). A graph maps each vertex to
// an array or set of neighbours; any other edge value counts as no neighbours, and a vertex
// missing from the graph is never reached.

/** Vertices of an array or a set; anything else has none. */
function vertices(v: RegoValue | undefined): RegoValue[] {
  if (Array.isArray(v)) return v;
  if (v instanceof RegoSet) return setElements(v);
  return [];
}

function initialVertices(name: string, v: RegoValue | undefined): RegoValue[] {
  if (!Array.isArray(v) && !(v instanceof RegoSet)) throw operandTypeError(name, 2, '{array, set}', typeName(v));
  return vertices(v);
}

export const graphReachable: HostBuiltin = (graph, initial) => {
  const g = objectArg('graph.reachable', graph, 1);
  const queue = initialVertices('graph.reachable', initial);
  const reached = new ValueSet();
  const out: RegoValue[] = [];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    const edges = objectGet(g, node);
    if (edges === undefined) continue;
    for (const n of vertices(edges)) if (!reached.has(n)) queue.push(n);
    if (!reached.has(node)) {
      reached.add(node);
      out.push(node);
    }
  }
  return makeSet(out);
};

/** OPA's pathBuilder: extends `path` through `root` until a leaf, a cycle or a missing vertex. */
function buildPaths(g: ObjectValue, root: RegoValue, path: RegoValue[], onPath: RegoValue[], out: RegoValue[][]): void {
  const edges = objectGet(g, root);
  if (edges === undefined) {
    out.push(path);
    return;
  }
  const here = [...path, root];
  const next = vertices(edges);
  if (next.length === 0) {
    out.push(here);
    return;
  }
  const visited = [...onPath, root];
  const seen = new ValueSet(visited);
  for (const n of next) {
    if (seen.has(n)) out.push(here);
    else buildPaths(g, n, here, visited, out);
  }
}

export const graphReachablePaths: HostBuiltin = (graph, initial) => {
  const g = objectArg('graph.reachable_paths', graph, 1);
  const roots = initialVertices('graph.reachable_paths', initial);
  const out: RegoValue[][] = [];
  for (const node of roots) {
    const edges = objectGet(g, node);
    if (edges === undefined) continue;
    const next = vertices(edges);
    if (next.length === 0) {
      out.push([node]);
      continue;
    }
    for (const n of next) buildPaths(g, n, [node], [node], out);
  }
  return makeSet(out);
};
