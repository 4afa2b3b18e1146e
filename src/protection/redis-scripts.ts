/**
 * The Lua scripts of the Redis protection store, one per operation, so that each is one atomic step
 * on one key whichever replica runs it. Every script reads Redis's own clock (`TIME`): replicas'
 * clocks differ, and a bucket refilled by one clock and drained by another would give or take
 * tokens that nobody earned. Every key gets a TTL after which forgetting it changes nothing (a full
 * bucket, an empty window), so Redis never grows without bound.
 */

const NOW_MS = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/**
 * KEYS[1] a bucket (hash: t = tokens, a = when last refilled); ARGV n, perSecond, burst, and
 * optionally extra and share: besides the n tokens, up to `extra` more are taken but never more than
 * `share` of what is left after n (a replica's lease, see local-pre-checks.ts). Returns {ok,
 * remaining, retryAfterMs, taken} with retryAfterMs -1 for "never" (a bucket that never refills).
 */
export const TAKE_SCRIPT = `${NOW_MS}
local n, rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local extra, share = tonumber(ARGV[4]) or 0, tonumber(ARGV[5]) or 0
local held = redis.call('HMGET', KEYS[1], 't', 'a')
local tokens, at = tonumber(held[1]), tonumber(held[2])
if tokens == nil or at == nil then tokens = burst; at = now end
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
local ok, retry, taken = 0, 0, 0
if tokens >= n then
  taken = n + math.max(0, math.min(extra, math.floor((tokens - n) * share)))
  tokens = tokens - taken
  ok = 1
elseif rate > 0 then
  retry = math.ceil((n - tokens) * 1000 / rate)
else
  retry = -1
end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'a', tostring(now))
local ttl = 86400000
if rate > 0 then ttl = math.ceil(burst * 1000 / rate) + 1000 end
redis.call('PEXPIRE', KEYS[1], ttl)
local remaining = 0
if ok == 1 then remaining = math.floor(tokens) end
return {ok, remaining, retry, taken}`;

/**
 * KEYS[1] a window (hash: slot start → count, 8 slots as in the memory store); ARGV n, windowMs.
 * Returns the events within the last windowMs, this one included.
 */
export const COUNT_SCRIPT = `${NOW_MS}
local n, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local slotMs = math.max(1, math.ceil(window / 8))
redis.call('HINCRBY', KEYS[1], tostring(math.floor(now / slotMs) * slotMs), n)
local slots = redis.call('HGETALL', KEYS[1])
local total = 0
for i = 1, #slots, 2 do
  if tonumber(slots[i]) > now - window then
    total = total + tonumber(slots[i + 1])
  else
    redis.call('HDEL', KEYS[1], slots[i])
  end
end
redis.call('PEXPIRE', KEYS[1], window + slotMs)
return total`;

/**
 * KEYS[1] members (sorted set: member → last seen); ARGV member, windowMs, most members kept.
 * Returns how many distinct members were seen within windowMs.
 */
export const DISTINCT_SCRIPT = `${NOW_MS}
local window, most = tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local size = redis.call('ZCARD', KEYS[1])
if size > most then
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, size - most - 1)
  size = most
end
redis.call('PEXPIRE', KEYS[1], window)
return size`;

/** KEYS[1] a mark; ARGV untilMs (ms since the epoch). A later end extends it; Redis drops it at its end. */
export const MARK_SCRIPT = `local untilMs = tonumber(ARGV[1])
local held = tonumber(redis.call('GET', KEYS[1]))
if held == nil or held < untilMs then
  redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[1])
end
return 0`;
