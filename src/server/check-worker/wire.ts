import type { DataOperation, Decision, DecisionFailure, DecisionShape, PolicyLimit, RevisionParts } from '../../engine/index.js';
import { parseJsonExact, stringifyJsonExact } from '../../engine/exact-json.js';
import type { ServiceErrorCode } from '../errors.js';

// What travels through the rings between the serving thread and an evaluation worker: one text
// line per job and per result, fields split by U+0001 (JSON never holds it raw), the free-form part last.

const SEPARATOR = '\u0001';

/** A `Check` the serving thread could not answer from its cache: the request's bytes and its connection. */
export interface CheckJob {
  id: number;
  kind: 'check';
  /** `ConnectionIdentity.key`: the requester (sorted keys) and source IP as JSON. */
  connection: string;
  bytes: Buffer;
}

/** A policy input the serving thread built and could not answer from its cache (Envoy, tokens, batches). */
export interface InputJob {
  id: number;
  kind: 'input';
  entrypoint: string;
  shape: DecisionShape;
  /** The input's canonical JSON. */
  inputJson: string;
}

export type EvaluationJob = CheckJob | InputJob;

/** What the worker made of a job. */
export type CheckResult =
  | {
      id: number;
      kind: 'decided';
      revision: string;
      allow: boolean;
      reasons: string[];
      failure?: DecisionFailure;
      /** Rate limits the decision asks for (see PolicyLimit), enforced by the serving thread. */
      limits?: PolicyLimit[];
      cached: boolean;
      /** For a decision from the worker's cache: how long it stays cached there, in ms. */
      ttlLeftMs?: number;
      /**
       * The input's JSON, only for a decision from the worker's cache (the serving thread keeps it
       * to recall the decision by the request's bytes); a fresh decision's input is already in the
       * log tail, so it does not travel twice.
       */
      inputJson?: string;
      /** For a fresh decision: the length of its input's JSON, whose members open the log tail (see inputJsonOfTail). */
      inputLength?: number;
      /** The evaluation called a non-deterministic builtin: no cache keeps the decision. */
      volatile?: true;
      /** The `CheckResponse` without its decision id, encoded (see answerParts), and the log line's tail. */
      answer: { body: Buffer; logTail: string };
    }
  /** An {@link InputJob}'s decision. */
  | { id: number; kind: 'evaluated'; revision: string; decision: Decision; cached: boolean; ttlLeftMs?: number; volatile?: true }
  | { id: number; kind: 'rejected'; code: ServiceErrorCode; message: string }
  /** Handed back: the serving thread verifies a subject token, or builds the input and hands that over. */
  | { id: number; kind: 'declined' };

export function encodeJob(job: EvaluationJob): string {
  if (job.kind === 'input') return `${job.id}${SEPARATOR}i${SEPARATOR}${job.entrypoint}${SEPARATOR}${job.shape}${SEPARATOR}${job.inputJson}`;
  return `${job.id}${SEPARATOR}c${SEPARATOR}${job.connection}${SEPARATOR}${job.bytes.toString('latin1')}`;
}

export function decodeJob(line: string): EvaluationJob {
  const a = line.indexOf(SEPARATOR);
  const id = Number(line.slice(0, a));
  const b = line.indexOf(SEPARATOR, a + 1);
  const c = line.indexOf(SEPARATOR, b + 1);
  if (line.slice(a + 1, b) === 'c') return { id, kind: 'check', connection: line.slice(b + 1, c), bytes: Buffer.from(line.slice(c + 1), 'latin1') };
  const d = line.indexOf(SEPARATOR, c + 1);
  return { id, kind: 'input', entrypoint: line.slice(b + 1, c), shape: line.slice(c + 1, d) as DecisionShape, inputJson: line.slice(d + 1) };
}

// Results are written and read keeping numbers' digits (a document's result may hold one: see parseJsonExact).
export function encodeResult(result: CheckResult): string {
  if (result.kind !== 'decided') return `${result.id}${SEPARATOR}${stringifyJsonExact(result)}${SEPARATOR}`;
  const { inputJson, answer, ...rest } = result;
  // JSON texts never hold a raw U+0001; the encoded body may, so it goes last.
  return `${result.id}${SEPARATOR}${stringifyJsonExact(rest)}${SEPARATOR}${inputJson ?? ''}${SEPARATOR}${answer.logTail}${SEPARATOR}${answer.body.toString('latin1')}`;
}

export function decodeResult(line: string): CheckResult {
  const a = line.indexOf(SEPARATOR);
  const b = line.indexOf(SEPARATOR, a + 1);
  const result = parseJsonExact(line.slice(a + 1, b)) as CheckResult;
  // JSON has no Infinity (a cache without a TTL): it travels as null.
  if ((result.kind === 'decided' || result.kind === 'evaluated') && result.ttlLeftMs === null) result.ttlLeftMs = Infinity;
  if (result.kind === 'decided') {
    const c = line.indexOf(SEPARATOR, b + 1);
    const d = line.indexOf(SEPARATOR, c + 1);
    // An input that travels is kept (a cached decision's, recalled by its request's bytes): the
    // cache copies it into a string of its own (a slice would keep the whole line alive).
    if (c > b + 1) result.inputJson = line.slice(b + 1, c);
    result.answer = { logTail: line.slice(c + 1, d), body: Buffer.from(line.slice(d + 1), 'latin1') };
  }
  return result;
}

/**
 * A revision's parts as they travel to a worker: the data value and the data writes as JSON text,
 * which keeps their numbers' digits (a structured clone would turn each kept number into a plain
 * object: see parseJsonExact).
 */
export type PartsOnWire = Omit<RevisionParts, 'data' | 'operations'> & { id: string; valuesJson: string };

export function partsToWire(parts: RevisionParts & { id: string }): PartsOnWire {
  const { data, operations, ...rest } = parts;
  return { ...rest, valuesJson: stringifyJsonExact({ data, operations }) };
}

export function partsFromWire(wire: PartsOnWire): RevisionParts & { id: string } {
  const { valuesJson, ...rest } = wire;
  const { data, operations } = parseJsonExact(valuesJson) as Pick<RevisionParts, 'data' | 'operations'>;
  return { ...rest, ...(data !== undefined ? { data } : {}), ...(operations !== undefined ? { operations } : {}) };
}

/** A batch of data writes as JSON text, for the same reason. */
export function operationsToWire(operations: readonly DataOperation[]): string {
  return stringifyJsonExact(operations);
}

export function operationsFromWire(operationsJson: string): DataOperation[] {
  return parseJsonExact(operationsJson) as DataOperation[];
}
