import { parentPort, workerData } from 'node:worker_threads';
import { applyOperations, buildRevision, DataWriteError, Engine, withDataWritten, type DataOperation, type DataWriteErrorCode, type DecisionCacheOptions, type RevisionParts } from '../../engine/index.js';
import type { Identity } from '../../identity/index.js';
import { LineRingReader, LineRingWriter, type LineRingMemory } from '../../threads/line-ring.js';
import { kernelThreadId, lowerThreadPriority } from '../../threads/thread-priority.js';
import { assertedOrRequester, decideAuthz, type RequesterOf } from '../authz-decide.js';
import { answerParts, type EncodeCheckResponse } from '../check-answer.js';
import type { RequestLimits } from '../config.js';
import { loadPackageDefinition, rawRequestService, type RawRequest } from '../protos.js';
import type { AuthzCheckRequest } from '../request-types.js';
import { ServiceError } from '../errors.js';
import { validateAuthzCheck } from '../validation.js';
import { runawayCapMs } from './runaway-cap.js';
import { decodeJob, encodeResult, operationsFromWire, partsFromWire, type CheckJob, type CheckResult, type InputJob, type PartsOnWire } from './wire.js';

// One thread of the EvaluationPool: decides `Check`s (from their bytes) and built inputs the serving
// thread could not answer from its cache, with the same revision, the same input and a decision
// cache of its own. The pool stops it when an evaluation runs past its budget.
export interface CheckWorkerData {
  jobs: LineRingMemory;
  results: LineRingMemory;
  cache: DecisionCacheOptions;
  limits: RequestLimits;
  decision: string;
  budgetMs: number;
}
/** How much lower than the serving thread evaluation workers run (nice values). */
const EVALUATION_NICENESS = 5;

export type ToCheckWorker =
  | { type: 'revision'; parts: PartsOnWire }
  /** A batch of data writes made in place, moving the instance from revision `from` to `to` (see applyOperations), as JSON text (see operationsToWire). */
  | { type: 'data'; from: string; to: string; operationsJson: string }
  | { type: 'stop' };
export type FromCheckWorker =
  /** Loaded; `skipped`: batches of `parts.operations` the data did not take. */
  /** The thread's kernel id, for the pool to tell a starved thread from a runaway one (see PoolWorker.ranPast). */
  | { type: 'thread'; tid: number }
  | { type: 'loaded'; id: string; skipped?: ReadonlyArray<{ index: number; reason: string }> }
  | { type: 'load-failed'; id: string; message: string }
  /** The batch for revision `id` was made (`written`), or had nothing to write (a PUT with If-None-Match). */
  | { type: 'data-applied'; id: string; written: boolean }
  | { type: 'data-failed'; id: string; code: DataWriteErrorCode; message: string };

const { jobs, results, cache, limits, decision, budgetMs } = workerData as CheckWorkerData;
// Under a CPU shortage the serving thread goes first: an evaluation that runs away until its budget
// stops it must not slow the answers of everyone else.
lowerThreadPriority(EVALUATION_NICENESS);
const tid = kernelThreadId();
if (tid !== undefined) parentPort!.postMessage({ type: 'thread', tid } satisfies FromCheckWorker);
const reader = new LineRingReader(jobs);
// The results of one batch of jobs wake the serving thread once.
const writer = new LineRingWriter(results, queueMicrotask);
// The pool stops a runaway evaluation once it has seen its thread run past the budget; one that ends
// later than the pool's cap (a thread starved that long) is denied here.
const engine = new Engine(cache, { budgetMs: runawayCapMs(budgetMs) });
const method = rawRequestService(loadPackageDefinition(), 'warden.authz.v1.Authorizer').Check!;
const encode = method.responseSerialize as EncodeCheckResponse;
const connections = new Map<string, RequesterOf>();

function connectionOf(key: string): RequesterOf {
  let connection = connections.get(key);
  if (!connection) {
    const [requester, sourceIp] = JSON.parse(key) as [Identity, string];
    connection = { requester, sourceIp, requesterJson: JSON.stringify(requester) };
    if (connections.size >= 4096) connections.clear();
    connections.set(key, connection);
  }
  return connection;
}

function evaluate(job: InputJob): CheckResult {
  try {
    const { decision, revision, cached, ttlLeftMs, volatile } = engine.decide(undefined, job.entrypoint, job.shape, { inputJson: job.inputJson });
    return { id: job.id, kind: 'evaluated', revision, decision, cached, ...(cached ? { ttlLeftMs } : {}), ...(volatile ? { volatile } : {}) };
  } catch {
    return { id: job.id, kind: 'declined' };
  }
}

function decide(job: CheckJob): CheckResult {
  try {
    const req = (method.requestDeserialize(job.bytes) as RawRequest<AuthzCheckRequest>).message();
    validateAuthzCheck(req, limits);
    if (req.subject?.token !== undefined || req.subject?.api_key !== undefined || !engine.revision) return { id: job.id, kind: 'declined' };
    const from = connectionOf(job.connection);
    const outcome = decideAuthz(engine, decision, req, assertedOrRequester(req, from.requester), from, limits.maxDepth);
    const { allow, reasons, failure, limits: policyLimits } = outcome.decision;
    // Encoded here, with the parts the serving thread's own answers are made of (see checkAnswer).
    const { body, logTail } = answerParts(outcome, encode);
    return { id: job.id, kind: 'decided', revision: outcome.revision, allow, reasons, failure, ...(policyLimits ? { limits: policyLimits } : {}), cached: outcome.cached, ttlLeftMs: outcome.ttlLeftMs, ...(outcome.cached ? { inputJson: outcome.inputJson } : { inputLength: outcome.inputJson.length }), ...(outcome.volatile ? { volatile: true } : {}), answer: { body: body!, logTail } };
  } catch (e) {
    if (e instanceof ServiceError) return { id: job.id, kind: 'rejected', code: e.code, message: e.message };
    return { id: job.id, kind: 'declined' };
  }
}

let stopped = false;
// Revisions load one after another, so a slow older one never lands after a newer one.
let loading: Promise<void> = Promise.resolve();

async function load(parts: RevisionParts & { id: string }): Promise<void> {
  try {
    const revision = await buildRevision(parts);
    engine.swap(revision);
    parentPort!.postMessage({ type: 'loaded', id: parts.id, ...(revision.skippedOperations ? { skipped: revision.skippedOperations } : {}) } satisfies FromCheckWorker);
  } catch (e) {
    parentPort!.postMessage({ type: 'load-failed', id: parts.id, message: e instanceof Error ? e.message : String(e) } satisfies FromCheckWorker);
  }
}

parentPort!.on('message', (m: ToCheckWorker) => {
  if (m.type === 'stop') {
    stopped = true;
    reader.interrupt();
    parentPort!.close();
    return;
  }
  loading = loading.then(() => (m.type === 'data' ? writeData(m.from, m.to, operationsFromWire(m.operationsJson)) : load(partsFromWire(m.parts))));
});

/** Between two evaluations (messages are handled while the job loop waits): never during one. */
function writeData(from: string, to: string, operations: readonly DataOperation[]): void {
  const revision = engine.revision;
  try {
    if (revision?.id !== from || !revision.policy) throw new DataWriteError('data_apply_failed', `this worker serves revision ${revision?.id ?? 'none'}, not ${from}`);
    const written = applyOperations(revision.policy, operations);
    // A new revision id: the cache of the old data is dropped with it.
    if (written) engine.swap(withDataWritten(revision, to, operations));
    parentPort!.postMessage({ type: 'data-applied', id: to, written } satisfies FromCheckWorker);
  } catch (e) {
    const code = e instanceof DataWriteError ? e.code : 'data_apply_failed';
    parentPort!.postMessage({ type: 'data-failed', id: to, code, message: e instanceof Error ? e.message : String(e) } satisfies FromCheckWorker);
  }
}

// Results that found the ring full (large inputs, a serving thread slow to read): sent, in order,
// before anything newer. A result is never dropped, or its call would wait forever.
const overflow: string[] = [];

function send(line: string): void {
  if (overflow.length > 0 || !writer.write(line)) overflow.push(line);
}

function flushOverflow(): void {
  while (overflow.length > 0 && writer.write(overflow[0]!)) overflow.shift();
}

while (!stopped) {
  flushOverflow();
  reader.drain((line) => {
    const job = decodeJob(line);
    const result = encodeResult(job.kind === 'check' ? decide(job) : evaluate(job));
    send(writer.canHold(result.length) ? result : encodeResult({ id: job.id, kind: 'declined' }));
  });
  if (overflow.length > 0) await new Promise((resolve) => setTimeout(resolve, 1));
  else await reader.nextLine();
}
