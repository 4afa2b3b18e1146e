/**
 * What a fleet must show, step by step: each step acts on the fleet and measures what followed; the
 * `npm run fleet` script prints the figures and the end-to-end test judges them.
 */
import type { CheckAnswer } from '../../src/server/check-client.js';
import { CALLERS, type Caller, type Fleet } from './fleet.js';
import type { Replica } from './replica.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Calls until `done(answer)` holds or `ms` pass; resolves with the time it took, or undefined. */
async function within(ms: number, call: () => Promise<CheckAnswer>, done: (answer: CheckAnswer) => boolean): Promise<number | undefined> {
  const start = Date.now();
  for (;;) {
    const answer = await call().catch(() => undefined);
    if (answer && done(answer)) return Date.now() - start;
    if (Date.now() - start > ms) return undefined;
    await sleep(100);
  }
}

/** The revision each replica answers with now. */
export async function servedRevisions(fleet: Fleet): Promise<string[]> {
  return Promise.all(fleet.replicas.map(async (r) => (await fleet.check(r, 'frontend', 'orders', 'orders.read')).policy_revision));
}

/** A new signed revision is published: how long each replica took to serve it (undefined: not within `ms`), and what each one's status report says then. */
export async function rollOut(
  fleet: Fleet,
  ms = 30_000,
): Promise<{ revision: string; publishedAt: number; switchedAfterMs: Array<number | undefined>; statuses: Array<{ instance: string; activeRevision: string; lastDownload: string; sharedState: string }> }> {
  const publishedAt = Date.now();
  const revision = await fleet.publishNextRevision();
  const switchedAfterMs = await Promise.all(fleet.replicas.map((r) => within(ms, () => fleet.check(r, 'frontend', 'orders', 'orders.read'), (a) => a.policy_revision === revision)));
  const statuses = await Promise.all(
    fleet.replicas.map(async (r) => {
      const status = await r.status();
      const bundle = status.bundles['warden'] ?? {};
      return {
        instance: status.labels['id'] ?? '',
        activeRevision: bundle['active_revision'] ?? '',
        lastDownload: bundle['last_successful_download'] ?? '',
        sharedState: status.plugins['shared_state']?.state ?? '',
      };
    }),
  );
  return { revision, publishedAt, switchedAfterMs, statuses };
}

/** A tampered bundle is published: whether each replica logged its refusal, and what each serves after. */
export async function rollOutTampered(fleet: Fleet, ms = 30_000): Promise<{ revision: string; refusals: Array<string | undefined>; served: string[]; intruderAllowed: boolean[] }> {
  const logged = fleet.replicas.map((r) => r.log().length);
  const revision = await fleet.publishTampered();
  const refusals = await Promise.all(
    fleet.replicas.map(async (r, i) => {
      for (const end = Date.now() + ms; Date.now() < end; await sleep(100)) {
        const line = r
          .log()
          .slice(logged[i])
          .split('\n')
          .find((l) => /refused|does not (match|verify)/.test(l));
        if (line) return line;
      }
      return undefined;
    }),
  );
  const served = await servedRevisions(fleet);
  const intruderAllowed = await Promise.all(fleet.replicas.map(async (r) => (await fleet.check(r, 'intruder', 'orders', 'orders.read')).allowed));
  return { revision, refusals, served, intruderAllowed };
}

/**
 * `calls` payments.charge calls by checkout, spread over the replicas in turn: how many each allowed,
 * and how many Redis steps fell back to a replica's own state meanwhile (each may let a call through
 * that the shared limit would have refused).
 */
export async function sharedLimit(fleet: Fleet, calls: number): Promise<{ allowedPerReplica: number[]; allowed: number; fallbacks: number }> {
  const fallbacks = () => Promise.all(fleet.replicas.map((r) => r.metric('warden_shared_state_fallbacks_total'))).then((n) => n.reduce((a, b) => a + b, 0));
  const fallbacksBefore = await fallbacks();
  const allowedPerReplica = fleet.replicas.map(() => 0);
  for (let i = 0; i < calls; i++) {
    const index = i % fleet.replicas.length;
    const answer = await fleet.check(fleet.replicas[index]!, 'checkout', 'payments', 'payments.charge');
    if (answer.allowed) allowedPerReplica[index]!++;
  }
  return { allowedPerReplica, allowed: allowedPerReplica.reduce((a, b) => a + b, 0), fallbacks: (await fallbacks()) - fallbacksBefore };
}

/** `caller` is denied on the first replica until it is banned there: how long until each other replica turns it away. */
export async function banAcross(fleet: Fleet, caller: Caller, ms = 10_000): Promise<{ bannedOnFirst: boolean; seenAfterMs: Array<number | undefined> }> {
  const [first, ...others] = fleet.replicas as [Replica, ...Replica[]];
  let bannedOnFirst = false;
  for (let i = 0; i < fleet.options.banAfter * 3 && !bannedOnFirst; i++) {
    const answer = await fleet.check(first, caller, 'orders', 'orders.read');
    bannedOnFirst = answer.reasons.some((r) => r.startsWith('banned:'));
  }
  const banned = (a: CheckAnswer) => !a.allowed && a.reasons.some((r) => r.startsWith(`banned: subject ${CALLERS[caller]}`));
  const seenAfterMs = await Promise.all(others.map((r) => within(ms, () => fleet.check(r, caller, 'orders', 'orders.read'), banned)));
  return { bannedOnFirst, seenAfterMs };
}

/** Redis is stopped: every replica still answers (how slowly, and whether it allowed), and counts falling back. */
export async function redisDown(fleet: Fleet, callsPerReplica = 5): Promise<{ answered: boolean[][]; slowestMs: number; fallbacks: number[] }> {
  await fleet.redis.stop();
  let slowestMs = 0;
  const answered = await Promise.all(
    fleet.replicas.map(async (r) => {
      const results: boolean[] = [];
      for (let i = 0; i < callsPerReplica; i++) {
        const start = Date.now();
        results.push((await fleet.check(r, 'frontend', 'orders', 'orders.read')).allowed);
        slowestMs = Math.max(slowestMs, Date.now() - start);
      }
      return results;
    }),
  );
  const fallbacks = await Promise.all(fleet.replicas.map((r) => r.metric('warden_shared_state_fallbacks_total')));
  return { answered, slowestMs, fallbacks };
}

/** Redis is started again: how long until every replica says it is connected. */
export async function redisBack(fleet: Fleet, ms = 30_000): Promise<{ upAfterMs: Array<number | undefined> }> {
  await fleet.redis.start();
  const upAfterMs = await Promise.all(
    fleet.replicas.map(async (r) => {
      const start = Date.now();
      for (; Date.now() - start < ms; await sleep(200)) if ((await r.metric('warden_shared_state_up')) === 1) return Date.now() - start;
      return undefined;
    }),
  );
  return { upAfterMs };
}

/** Every decision's record reaches the collector: how many arrived from each replica, and which of `decisionIds` are missing after `ms`. */
export async function recordsArrive(fleet: Fleet, decisionIds: string[], ms = 30_000): Promise<{ perReplica: Record<string, number>; missing: string[] }> {
  let missing = decisionIds;
  for (const end = Date.now() + ms; Date.now() < end; await sleep(200)) {
    const seen = new Set(fleet.collector.events.map((e) => e.decision_id));
    missing = decisionIds.filter((id) => !seen.has(id));
    if (missing.length === 0) break;
  }
  const perReplica: Record<string, number> = {};
  for (const e of fleet.collector.events) perReplica[e.labels['id'] ?? '?'] = (perReplica[e.labels['id'] ?? '?'] ?? 0) + 1;
  return { perReplica, missing };
}
