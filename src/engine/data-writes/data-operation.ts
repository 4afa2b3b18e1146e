import { isDeepStrictEqual } from 'node:util';
import { DataWriteError } from '../errors.js';
import type { DocumentEditor } from './document-editor.js';
import { pointerText, pointerTokens } from './json-pointer.js';
import { canonicalCopy } from '../canonical-json.js';
import { stringifyJsonExact } from '../exact-json.js';

/** One JSON Patch operation (RFC 6902), its pointers relative to the document patched. */
export type JsonPatchOperation =
  | { op: 'add' | 'replace' | 'test'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; from: string; path: string };

/** A change to data, as OPA's Data API and delta bundles ask for one; paths are lists of keys under `data`. */
export type DataOperation =
  /** PUT: create or replace, creating missing parents; with `ifNoneMatch`, only when nothing is there. */
  | { kind: 'put'; path: string[]; value: unknown; ifNoneMatch?: boolean }
  /** DELETE: the document must exist. */
  | { kind: 'delete'; path: string[] }
  /** PATCH: a JSON Patch applied to the document at `path`, all of it or nothing. */
  | { kind: 'patch'; path: string[]; patch: JsonPatchOperation[] };

const PATCH_OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/**
 * A JSON Patch document checked for shape: a list of operations, each with a known `op`, string
 * pointers and a `value` where one is needed.
 *
 * @throws DataWriteError `data_invalid` naming the operation (`patch[2]`) and what is wrong
 */
export function jsonPatch(body: unknown): JsonPatchOperation[] {
  if (!Array.isArray(body)) throw new DataWriteError('data_invalid', 'a JSON Patch must be a list of operations: [{"op": "add", "path": "/x", "value": 1}]');
  return body.map((op: unknown, i) => {
    const where = `patch[${i}]`;
    if (typeof op !== 'object' || op === null || Array.isArray(op)) throw new DataWriteError('data_invalid', `${where} must be an object`);
    const o = op as Record<string, unknown>;
    if (typeof o.op !== 'string' || !PATCH_OPS.has(o.op)) throw new DataWriteError('data_invalid', `${where}.op must be one of add, remove, replace, move, copy, test, not ${JSON.stringify(o.op)}`);
    if (typeof o.path !== 'string') throw new DataWriteError('data_invalid', `${where}.path must be a JSON pointer string`);
    pointerTokens(o.path, `${where}.path`);
    if ((o.op === 'move' || o.op === 'copy') && typeof o.from !== 'string') throw new DataWriteError('data_invalid', `${where}.from must be a JSON pointer string for ${o.op}`);
    if (typeof o.from === 'string') pointerTokens(o.from, `${where}.from`);
    if ((o.op === 'add' || o.op === 'replace' || o.op === 'test') && !Object.hasOwn(o, 'value')) throw new DataWriteError('data_invalid', `${where} (${o.op}) has no value`);
    return o as JsonPatchOperation;
  });
}

/** A copy no later edit can reach through (JSON values only, exact numbers kept). */
function copyOf(value: unknown): unknown {
  return value === undefined ? undefined : canonicalCopy(value);
}

function isPrefix(prefix: readonly string[], tokens: readonly string[]): boolean {
  return prefix.length <= tokens.length && prefix.every((t, i) => t === tokens[i]);
}

function applyPatch(editor: DocumentEditor, base: string[], patch: readonly JsonPatchOperation[]): void {
  if (editor.get(base) === undefined) throw new DataWriteError('data_not_found', `${pointerText(base)}: no such document to patch`);
  patch.forEach((op, i) => {
    const where = `patch[${i}]`;
    const path = [...base, ...pointerTokens(op.path, `${where}.path`)];
    switch (op.op) {
      case 'add':
        return editor.add(path, copyOf(op.value));
      case 'replace':
        return editor.replace(path, copyOf(op.value));
      case 'remove':
        return editor.remove(path);
      case 'test': {
        const actual = editor.get(path);
        if (actual === undefined) throw new DataWriteError('data_not_found', `${where} (test): ${pointerText(path)}: no such document`);
        if (!isDeepStrictEqual(actual, op.value)) throw new DataWriteError('data_conflict', `${where} (test) failed: ${pointerText(path)} is not ${stringifyJsonExact(op.value)}`);
        return;
      }
      case 'move':
      case 'copy': {
        const from = [...base, ...pointerTokens(op.from, `${where}.from`)];
        const value = editor.get(from);
        if (value === undefined) throw new DataWriteError('data_not_found', `${where} (${op.op}): ${pointerText(from)}: no such document`);
        if (op.op === 'copy') return editor.add(path, copyOf(value));
        if (isPrefix(from, path) && from.length < path.length) throw new DataWriteError('data_invalid', `${where} (move): ${pointerText(from)} cannot move into itself`);
        editor.remove(from);
        return editor.add(path, value);
      }
    }
  });
}

/**
 * Makes `operation` in the editor's document, or throws having changed nothing (the editor is
 * undone). Returns false for a PUT with `ifNoneMatch` where a document exists (OPA's 304).
 *
 * @throws DataWriteError `data_not_found`, `data_conflict` or `data_invalid` saying where
 */
export function editDocument(editor: DocumentEditor, operation: DataOperation): boolean {
  try {
    switch (operation.kind) {
      case 'put':
        if (operation.ifNoneMatch && editor.get(operation.path) !== undefined) return false;
        editor.put(operation.path, copyOf(operation.value));
        return true;
      case 'delete':
        if (editor.get(operation.path) === undefined) throw new DataWriteError('data_not_found', `${pointerText(operation.path)}: no such document`);
        editor.remove(operation.path);
        return true;
      case 'patch':
        applyPatch(editor, operation.path, operation.patch);
        return true;
    }
  } catch (e) {
    editor.undo();
    throw e;
  }
}
