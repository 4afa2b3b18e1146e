import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DecisionFeed, HeldDecision } from './decision-feed.js';
import { matchesFilter, type DecisionFilter } from './decision-filter.js';

/** Options of {@link streamDecisions}. */
export interface StreamOptions {
  /** Held decisions sent first, newest last (default 100). */
  backlog?: number;
  /** A comment line this often keeps proxies from closing an idle stream (default 15 s). */
  keepAliveMs?: number;
  /** Bytes queued for a slow reader before the stream is ended (default 1 MiB). */
  maxQueuedBytes?: number;
}

function event(held: HeldDecision): string {
  return `id: ${held.record.decision_id.replace(/[\r\n]/g, '')}\nevent: decision\ndata: ${JSON.stringify(held.record)}\n\n`;
}

/**
 * Answers with Server-Sent Events: the recent decisions matching `filter`, then each new one as it
 * is made. A reader that falls behind is cut off rather than buffered without end.
 */
export async function streamDecisions(req: IncomingMessage, res: ServerResponse, feed: DecisionFeed, filter: DecisionFilter, options: StreamOptions = {}): Promise<void> {
  // Subscribed before the backlog is read, so nothing made meanwhile is missed (a repeat is harmless: ids are unique).
  const live: HeldDecision[] = [];
  let stop = feed.subscribe((held) => live.push(held));
  const backlog = (await feed.recentRecords()).filter((h) => matchesFilter(h.record, filter));
  stop();
  // The browser may have gone while the backlog was read.
  if (req.destroyed || res.destroyed) return;
  res.statusCode = 200;
  res.setHeader('content-type', 'text/event-stream; charset=utf-8');
  res.setHeader('x-accel-buffering', 'no');
  res.flushHeaders();
  const sent = backlog.slice(-(options.backlog ?? 100));
  const sentIds = new Set(sent.map((h) => h.decisionId));
  const caughtUp = live.filter((h) => !sentIds.has(h.decisionId) && matchesFilter(h.record, filter));
  res.write(`retry: 2000\n\n${[...sent, ...caughtUp].map(event).join('')}`);
  const maxQueued = options.maxQueuedBytes ?? 1024 * 1024;
  stop = feed.subscribe((held) => {
    if (!matchesFilter(held.record, filter)) return;
    if (res.writableLength > maxQueued) {
      end();
      return;
    }
    res.write(event(held));
  });
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), options.keepAliveMs ?? 15_000);
  keepAlive.unref();
  function end(): void {
    stop();
    clearInterval(keepAlive);
    if (!res.writableEnded) res.end();
  }
  req.once('close', end);
  res.once('close', end);
}
