import type { ProtectedCall } from '../../protection/protected-call.js';

/** Calls worked out per input; equal inputs are equal calls (the input holds all the call's fields). */
const MEMO_ENTRIES = 10_000;
/** Inputs longer than this are not remembered: the memo stays under 10,000 × 4 KiB of text. */
const MEMO_MAX_INPUT = 4096;
const memo = new Map<string, ProtectedCall>();

function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/**
 * The call a policy input describes — subject, requester, source address, service and action, as
 * both APIs' inputs hold them (`subject.id`, `requester.id`, `source.ip`, `resource.service`,
 * `action`); a missing field is `''`. Memoized by the input's text (inputs up to 4 KiB), so a check
 * recalled from the cache costs a map lookup.
 */
export function protectedCallOf(inputJson: string): ProtectedCall {
  const known = memo.get(inputJson);
  if (known) return known;
  let input: Record<string, Record<string, unknown> | undefined> = {};
  try {
    const parsed: unknown = JSON.parse(inputJson);
    if (typeof parsed === 'object' && parsed !== null) input = parsed as typeof input;
  } catch {
    // An input that is not JSON describes no one: every field stays empty.
  }
  const call: ProtectedCall = {
    subject: text(input.subject?.id),
    requester: text(input.requester?.id),
    address: text(input.source?.ip),
    service: text(input.resource?.service),
    action: text(input.action),
  };
  if (inputJson.length > MEMO_MAX_INPUT) return call;
  if (memo.size >= MEMO_ENTRIES) memo.delete(memo.keys().next().value!);
  memo.set(inputJson, call);
  return call;
}
