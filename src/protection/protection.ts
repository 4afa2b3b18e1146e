import { AddressDenyList, readDenyFile, type AddressRule } from './address-deny-list.js';
import { fileSignature, pollFile } from './file-poll.js';
import { countDenial, findBan, type AutoBanConfig, type Ban } from './auto-ban.js';
import type { ActivityEvent } from './activity.js';
import { MemoryStore } from './memory-store.js';
import type { ProtectedCall, Refusal } from './protected-call.js';
import type { ProtectionConfig } from './protection-config.js';
import type { PolicyLimit } from '../engine/decision-limits.js';
import { takePolicyLimits, takeRateLimits } from './rate-limits.js';
import type { MaybePromise, ProtectionStore } from './store.js';

/** What the countermeasures tell the rest of the service (metrics, alerts, the operational log). */
export interface ProtectionHooks {
  onRateLimited?(limit: string): void;
  onDeniedAddress?(): void;
  onBan?(ban: Ban): void;
  /** A deny-list file that changed could not be used: the last good list stays in force. */
  onDenyFileError?(error: Error): void;
  /** The store failed while counting a denial (the check was answered already). */
  onStoreError?(error: Error): void;
  /** Every answered check, for the watchers of unusual activity. */
  onActivity?(event: ActivityEvent): void;
}

export interface ProtectionOptions {
  store?: ProtectionStore;
  /** Milliseconds since the epoch (a fake clock in tests). */
  now?: () => number;
  hooks?: ProtectionHooks;
  /** How often `ipDenyFile` is looked at for changes (default 1000 ms). */
  denyFilePollMs?: number;
}

/** The config's own `ipDeny` entries as rules, each named by where it is written. */
function inlineRules(config: ProtectionConfig): AddressRule[] {
  return config.ipDeny.map((text, i) => ({ text, where: `ipDeny[${i}]` }));
}

/** Most bans remembered for the `warden_bans_active` gauge; past it the earliest are forgotten there (not in the store). */
const MAX_TRACKED_BANS = 100_000;

/**
 * The countermeasures a check meets before the policy: the address deny list, bans, then rate
 * limits, in that order (the cheapest refusal first, and a denied or banned caller spends no tokens).
 * After the answer, denials are counted towards bans and every check is shown to the activity
 * watchers. Reconfigured in place on a config reload: buckets, windows and bans are kept.
 */
export class Protection {
  private config: ProtectionConfig;
  private denyList: AddressDenyList;
  private fileRules: AddressRule[] = [];
  private watchedFile: string | undefined;
  /** The deny-list file's signature taken just before it was last read. */
  private fileSeen = '';
  private stopPolling: () => void = () => undefined;
  private readonly store: ProtectionStore;
  private readonly now: () => number;
  private readonly hooks: ProtectionHooks;
  private readonly pollMs: number;
  private readonly activeBans = new Map<string, { by: AutoBanConfig['by']; untilMs: number }>();

  /** @throws ProtectionError when a deny-list rule or the deny-list file is not usable */
  constructor(config: ProtectionConfig, options: ProtectionOptions = {}) {
    this.store = options.store ?? new MemoryStore();
    this.now = options.now ?? Date.now;
    this.hooks = options.hooks ?? {};
    this.pollMs = options.denyFilePollMs ?? 1000;
    this.config = config;
    this.denyList = this.buildDenyList(config);
    this.watch(config.ipDenyFile);
  }

  /**
   * Applies a reloaded config; state is kept.
   *
   * @throws ProtectionError when its deny list is not usable (the old config stays in force)
   */
  reconfigure(config: ProtectionConfig): void {
    const denyList = this.buildDenyList(config);
    this.config = config;
    this.denyList = denyList;
    this.watch(config.ipDenyFile);
  }

  /** Whether any countermeasure is configured before the policy. */
  get active(): boolean {
    return this.denyList.size > 0 || this.config.autoBan.length > 0 || this.config.rateLimits.length > 0;
  }

  /** Whether denials are counted towards bans. */
  get banning(): boolean {
    return this.config.autoBan.length > 0;
  }

  /** The first countermeasure that turns `call` away, or `undefined` to go on to the policy. */
  admit(call: ProtectedCall): MaybePromise<Refusal | undefined> {
    if (this.denyList.size > 0 && this.denyList.denies(call.address)) {
      this.hooks.onDeniedAddress?.();
      return { kind: 'address', reason: `address denied: ${call.address || 'no source address'} is on the deny list` };
    }
    const nowMs = this.now();
    const ban = this.config.autoBan.length > 0 ? findBan(this.config.autoBan, call, this.store, nowMs) : undefined;
    if (ban instanceof Promise) return ban.then((b) => b ?? this.limit(call, nowMs));
    return ban ?? this.limit(call, nowMs);
  }

  private limit(call: ProtectedCall, nowMs: number): MaybePromise<Refusal | undefined> {
    if (this.config.rateLimits.length === 0) return undefined;
    const refused = takeRateLimits(this.config.rateLimits, call, this.store, nowMs);
    if (refused instanceof Promise) return refused.then((r) => this.countLimited(r));
    return this.countLimited(refused);
  }

  private countLimited(refused: Refusal | undefined): Refusal | undefined {
    if (refused?.limit !== undefined) this.hooks.onRateLimited?.(refused.limit);
    return refused;
  }

  /** Enforces the limits an allowing decision asks for (checked by the engine): a refusal when one is spent. */
  enforcePolicyLimits(limits: readonly PolicyLimit[]): MaybePromise<Refusal | undefined> {
    if (limits.length === 0) return undefined;
    const refused = takePolicyLimits(limits, this.store, this.now());
    if (refused instanceof Promise) return refused.then((r) => this.countLimited(r));
    return this.countLimited(refused);
  }

  /**
   * After a check is answered: a denial counts towards bans (not one by a ban: a ban is not
   * extended by the calls it turns away), and the activity watchers see the check. Never throws;
   * never delays the answer.
   */
  observe(call: ProtectedCall, allowed: boolean, deniedBy?: ActivityEvent['deniedBy']): void {
    const atMs = this.now();
    if (!allowed && deniedBy !== 'ban' && this.config.autoBan.length > 0) {
      countDenial(this.config.autoBan, call, this.store, atMs).then(
        (bans) => bans.forEach((ban) => this.banned(ban)),
        (e: unknown) => this.hooks.onStoreError?.(e instanceof Error ? e : new Error(String(e))),
      );
    }
    this.hooks.onActivity?.({ atMs, subject: call.subject, requester: call.requester, service: call.service, address: call.address, allowed, ...(deniedBy ? { deniedBy } : {}) });
  }

  private banned(ban: Ban): void {
    const key = `${ban.by}:${ban.key}`;
    this.activeBans.delete(key);
    this.activeBans.set(key, { by: ban.by, untilMs: ban.untilMs });
    if (this.activeBans.size > MAX_TRACKED_BANS) this.activeBans.delete(this.activeBans.keys().next().value!);
    this.hooks.onBan?.(ban);
  }

  /** Bans in force now, by what they ban (for `warden_bans_active{by}`). */
  bansActive(): Record<AutoBanConfig['by'], number> {
    const nowMs = this.now();
    const counts = { source_ip: 0, subject: 0 };
    for (const [key, ban] of this.activeBans) {
      if (ban.untilMs <= nowMs) this.activeBans.delete(key);
      else counts[ban.by]++;
    }
    return counts;
  }

  /** The bans this replica imposed that are in force now, newest first (at most `limit`). */
  bansInForce(limit = 200): Array<{ by: AutoBanConfig['by']; key: string; untilMs: number }> {
    const nowMs = this.now();
    const out: Array<{ by: AutoBanConfig['by']; key: string; untilMs: number }> = [];
    for (const [id, ban] of [...this.activeBans].reverse()) {
      if (out.length >= limit) break;
      if (ban.untilMs > nowMs) out.push({ by: ban.by, key: id.slice(ban.by.length + 1), untilMs: ban.untilMs });
    }
    return out;
  }

  /** Stops looking at the deny-list file. */
  close(): void {
    this.watch(undefined);
  }

  private buildDenyList(config: ProtectionConfig): AddressDenyList {
    const inline = inlineRules(config);
    if (config.ipDenyFile !== this.watchedFile) {
      this.fileSeen = config.ipDenyFile ? fileSignature(config.ipDenyFile) : '';
      this.fileRules = config.ipDenyFile ? readDenyFile(config.ipDenyFile) : [];
    }
    return new AddressDenyList([...inline, ...this.fileRules]);
  }

  private watch(file: string | undefined): void {
    if (file === this.watchedFile) return;
    this.stopPolling();
    this.stopPolling = () => undefined;
    this.watchedFile = file;
    if (!file) return;
    this.stopPolling = pollFile(file, this.fileSeen, this.pollMs, () => {
      try {
        const rules = readDenyFile(file);
        const list = new AddressDenyList([...inlineRules(this.config), ...rules]);
        this.fileRules = rules;
        this.denyList = list;
      } catch (e) {
        this.hooks.onDenyFileError?.(e as Error);
      }
    });
  }
}
