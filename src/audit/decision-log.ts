import { pino, type DestinationStream, type Logger } from 'pino';
import { warnOfDrops, type DropWarning } from './drop-warning.js';
import type { DecisionApi } from './decision-api.js';
import type { WardenMetrics } from './metrics.js';
import { createRedactor, type Redactor } from './redact.js';

/** One decision, as written to the decision log (one JSON line each, after `"log":"decision"`). */
export interface DecisionRecord {
  decision_id: string;
  /** RFC 3339 time the decision was made. */
  time: string;
  /** `authorizer` (warden.authz.v1), `envoy` (ext_authz over gRPC), `http` (proxies' HTTP sub-requests), `inprocess` (an embedded Authorizer) or `opa` (OPA's REST API). */
  api: DecisionApi;
  requester: unknown;
  subject: unknown;
  action: unknown;
  resource: unknown;
  allowed: boolean;
  reasons: string[];
  revision: string;
  cached: boolean;
  /** Milliseconds from the request reaching the service to the decision. */
  latency: number;
  context?: unknown;
  source?: unknown;
  /** Envoy and HTTP checks only: method, path, host and (redacted) headers. */
  http?: unknown;
  /** OPA's REST API only: the document asked for (`warden/authz/decision`), as OPA's own decision logs name it. */
  path?: string;
  /** OPA's REST API only: the input given (redacted like the rest). */
  input?: unknown;
  /** OPA's REST API only: the document's value, when defined. */
  result?: unknown;
}

/** Where decisions go: {@link DecisionLog} in this thread, or `OffThreadDecisionLog`. */
export interface DecisionSink {
  /**
   * Queues or writes one record, given as an object or as its JSON text; never blocks on the
   * destination and never throws.
   */
  write(record: DecisionRecord | string): void;
  flush(): Promise<void>;
  close(): Promise<void>;
  /** Records lost because the sink failed or fell too far behind. */
  readonly dropped: number;
}

/** Options of {@link DecisionLog}. */
export interface DecisionLogOptions {
  /** `"stdout"` (default), a file path, a writable stream, or `false` to log nothing. */
  destination?: 'stdout' | string | NodeJS.WritableStream | false;
  /** Extra dotted paths to redact (see `createRedactor`). */
  redactPaths?: string[];
  /** Bytes buffered before lines are dropped rather than blocking (default 16 MiB). */
  maxBufferBytes?: number;
  /** Where `warden_decision_log_dropped_total` (and the log worker's restarts) are counted. */
  metrics?: WardenMetrics;
  /** The operational log: warned about dropped records (see `warnOfDrops`). */
  logger?: Logger;
  /** Shortest time between two warnings about dropped records (default 10 s). */
  dropWarningMs?: number;
}

/**
 * The decision log: redacts each record, then hands it to pino over an asynchronous destination,
 * so writing never blocks a decision. A slow or broken sink drops lines instead of stalling; the
 * count of dropped lines is kept in {@link DecisionLog.dropped}.
 *
 * @example
 * const log = new DecisionLog({ destination: '/var/log/warden/decisions.log' });
 * log.write(record);
 * await log.close();
 */
export class DecisionLog implements DecisionSink {
  private readonly logger: Logger | undefined;
  private readonly stream: (DestinationStream & { flushSync?(): void; end?(): void; flush?(cb?: (e?: Error) => void): void }) | undefined;
  private readonly redact: Redactor;
  private readonly ownsStream: boolean;
  private readonly warning: DropWarning | undefined;
  /** Records lost because the sink failed or fell too far behind. */
  dropped = 0;

  constructor(options: DecisionLogOptions = {}) {
    this.redact = createRedactor({ paths: options.redactPaths });
    options.metrics?.observeDecisionLogDrops(() => this.dropped);
    if (options.logger) this.warning = warnOfDrops(() => this.dropped, options.logger, options.dropWarningMs);
    const dest = options.destination ?? 'stdout';
    if (dest === false) {
      this.ownsStream = false;
      return;
    }
    if (typeof dest === 'string') {
      const boom = pino.destination({
        dest: dest === 'stdout' ? 1 : dest,
        sync: false,
        mkdir: dest !== 'stdout',
        maxLength: options.maxBufferBytes ?? 16 * 1024 * 1024,
      });
      boom.on('error', () => {
        this.dropped++;
      });
      boom.on('drop', () => {
        this.dropped++;
      });
      this.stream = boom;
      this.ownsStream = dest !== 'stdout';
    } else {
      this.stream = dest as unknown as DestinationStream;
      this.ownsStream = false;
    }
    // Lines start with "log":"decision" so they stand out on a shared stdout (pino also needs a
    // non-empty level field to write valid JSON when base and timestamp are off).
    this.logger = pino({ base: undefined, timestamp: false, formatters: { level: () => ({ log: 'decision' }) } }, this.stream);
  }

  /** Redacts and writes one record (an object or its JSON text). Never throws. */
  write(record: DecisionRecord | string): void {
    if (!this.logger) return;
    try {
      this.logger.info(this.redact(typeof record === 'string' ? JSON.parse(record) : record) as object);
    } catch {
      this.dropped++;
    }
  }

  /** Waits until buffered lines are handed to the operating system. */
  async flush(): Promise<void> {
    const s = this.stream;
    if (!s?.flush) return;
    // A file destination opens asynchronously: flushing before it is open would flush nothing.
    const boom = s as unknown as { fd?: number; once?(event: string, f: () => void): void };
    if (typeof boom.fd === 'number' && boom.fd < 0 && boom.once) await new Promise<void>((resolve) => boom.once!('ready', resolve));
    await new Promise<void>((resolve) => {
      try {
        s.flush!(() => resolve());
      } catch {
        resolve();
      }
    });
  }

  /** Flushes, and closes a file destination. */
  async close(): Promise<void> {
    await this.flush();
    this.warning?.stop();
    if (this.ownsStream && this.stream?.end) {
      const s = this.stream as unknown as NodeJS.EventEmitter & { end(): void };
      await new Promise<void>((resolve) => {
        s.once('close', () => resolve());
        s.once('error', () => resolve());
        s.end();
      });
    }
  }
}
