/**
 * The Lua scripts of the Redis broker (hub/redis-broker.ts): each runs atomically inside Redis, so that
 * every node of a cluster sees one order per topic.
 */

/**
 * Turns a time in ms into ISO 8601 UTC (`2026-11-22T10:00:00.000Z`) inside Lua, which has no date library:
 * the days since 1970 become a civil date by the usual era arithmetic (400-year cycles from 0000-03-01).
 */
const LUA_ISO = `
local function iso(ms)
  local s = math.floor(ms / 1000)
  local days = math.floor(s / 86400)
  local sod = s - days * 86400
  local z = days + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local d = doy - math.floor((153 * mp + 2) / 5) + 1
  local m = mp < 10 and mp + 3 or mp - 9
  local y = yoe + era * 400
  if m <= 2 then y = y + 1 end
  return string.format('%04d-%02d-%02dT%02d:%02d:%02d.%03dZ', y, m, d,
    math.floor(sod / 3600), math.floor((sod % 3600) / 60), sod % 60, ms - s * 1000)
end
local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

/**
 * KEYS: meta (hash: epoch, seq), stream, [idempotency key]
 * ARGV: topic as JSON, type as JSON, data as JSON, channel, candidate epoch, max events, max age ms,
 *       meta TTL ms, idempotency window ms, topic
 * Returns {0, seq, epoch, ts} for a new event (what the publishing node needs to hand the event to its own
 * subscribers without waiting for the PUBLISH to come back), {1, "seq|topic"} for a duplicate
 * idempotency key.
 * PUBLISHes "<epoch> <event JSON>".
 *
 * The stream entry's id is `seq-0`, so that a replay is one XRANGE from `since + 1`; its fields are `t`
 * (ms, for age) and `e` (the event's JSON, exactly what PUBLISH sends).
 */
export const PUBLISH_LUA = `${LUA_ISO}
local meta, stream, idem = KEYS[1], KEYS[2], KEYS[3]
if idem then
  local first = redis.call('GET', idem)
  if first then return {1, first} end
end
local now = nowMs()
local epoch = ARGV[5]
if redis.call('HSETNX', meta, 'epoch', epoch) == 1 then
  -- A new history: whatever an older one left behind must not be served under it.
  redis.call('DEL', stream)
else
  epoch = redis.call('HGET', meta, 'epoch')
end
local seq = redis.call('HINCRBY', meta, 'seq', 1)
local ts = iso(now)
local event = '{"id":' .. string.sub(ARGV[1], 1, -2) .. '@' .. seq .. '","topic":' .. ARGV[1] ..
  ',"seq":' .. seq .. ',"type":' .. ARGV[2] .. ',"ts":"' .. ts .. '","data":' .. ARGV[3] .. '}'
redis.call('XADD', stream, 'MAXLEN', ARGV[6], seq .. '-0', 't', now, 'e', event)
-- Age: drop the oldest entries while they are too old (reads check age too, so this may lag).
local cutoff = now - tonumber(ARGV[7])
local oldest = redis.call('XRANGE', stream, '-', '+', 'COUNT', 1)[1]
if oldest and tonumber(oldest[2][2]) < cutoff then
  for _ = 1, 32 do
    local batch = redis.call('XRANGE', stream, '-', '+', 'COUNT', 64)
    local keep = nil
    for _, entry in ipairs(batch) do
      if tonumber(entry[2][2]) >= cutoff then keep = entry[1] break end
    end
    if keep then
      redis.call('XTRIM', stream, 'MINID', keep)
      break
    end
    if #batch == 0 then break end
    local last = batch[#batch][1]
    redis.call('XTRIM', stream, 'MINID', (tonumber(string.match(last, '^(%d+)')) + 1) .. '-0')
  end
end
redis.call('PEXPIRE', stream, ARGV[7])
redis.call('PEXPIRE', meta, ARGV[8])
if idem then redis.call('SET', idem, seq .. '|' .. ARGV[10], 'PX', ARGV[9]) end
redis.call('PUBLISH', ARGV[4], epoch .. ' ' .. event)
return {0, seq, epoch, ts}
`;

/**
 * KEYS: meta, stream
 * ARGV: candidate epoch, since ('' for none), first stream id to read, max age ms, meta TTL ms,
 *       most events to return (0: all)
 * Returns {epoch, seq, complete (1|0), event JSON…}: complete 0 means history does not reach back.
 */
export const HISTORY_LUA = `${LUA_ISO}
local meta, stream = KEYS[1], KEYS[2]
local epoch = redis.call('HGET', meta, 'epoch')
local seq = 0
if epoch then
  seq = tonumber(redis.call('HGET', meta, 'seq') or '0')
else
  epoch = ARGV[1]
  redis.call('HSET', meta, 'epoch', epoch, 'seq', 0)
  redis.call('DEL', stream)
end
redis.call('PEXPIRE', meta, ARGV[5])
if ARGV[2] == '' then return {epoch, seq, 1} end
local since = tonumber(ARGV[2])
if since > seq then return {epoch, seq, 0} end
if since == seq then return {epoch, seq, 1} end
local want = seq - since
local limit = tonumber(ARGV[6])
local entries
if limit > 0 and limit < want then
  want = limit
  entries = redis.call('XRANGE', stream, ARGV[3], '+', 'COUNT', limit)
else
  entries = redis.call('XRANGE', stream, ARGV[3], '+')
end
-- Ids are distinct seqs in (since, seq]: as many entries as seqs means every one is there; a page is
-- whole when it starts at since + 1 and ends want seqs later.
if #entries ~= want then return {epoch, seq, 0} end
if limit > 0 and tonumber(string.match(entries[#entries][1], '^(%d+)')) ~= since + want then
  return {epoch, seq, 0}
end
if tonumber(entries[1][2][2]) < nowMs() - tonumber(ARGV[4]) then return {epoch, seq, 0} end
local out = {epoch, seq, 1}
for i, entry in ipairs(entries) do out[i + 3] = entry[2][4] end
return out
`;

/** What PUBLISH_LUA returns. */
export type PublishReply = [0, number, string, string] | [1, string];
/** What HISTORY_LUA returns. */
export type HistoryReply = [string, number, 0 | 1, ...string[]];
