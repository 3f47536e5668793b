"""The Lua scripts that change requests; each runs atomically inside Redis.

TRANSITION does the check, the audit event and the update in one step, so two clicks, two
approvers or a Slack retry can never both move a request. Every write comes after every check and
the stream append comes first: a script that fails (wrong key type, out of memory, which the
``#!lua`` shebang makes Redis check before the first command) leaves nothing half-done.
"""

from __future__ import annotations

from typing import Final

#: KEYS: request hash, audit stream, pending-approval sorted set (score: requested_at).
#: ARGV: id, JSON list of states the caller expects, target state, actor, now (epoch seconds),
#: now (ISO 8601), JSON {field: value} to set, JSON [field] to delete, JSON {k: v} audit extras,
#: ttl seconds, approval timeout seconds, audit stream max length, operation nonce.
#: Returns {status, state before, hash field, value, ...}; status is one of ok, done (this nonce
#: already ran: a client retry), missing, expired (it timed out just now), mismatch, not_due
#: (an expiry sweep came too early), approval_stale (a retry after the approval lapsed).
TRANSITION: Final = """#!lua
local req, stream, pending = KEYS[1], KEYS[2], KEYS[3]
local id, to, actor = ARGV[1], ARGV[3], ARGV[4]
local now, now_iso = tonumber(ARGV[5]), ARGV[6]
local expected, sets = cjson.decode(ARGV[2]), cjson.decode(ARGV[7])
local dels, extras = cjson.decode(ARGV[8]), cjson.decode(ARGV[9])
local ttl, timeout, maxlen, op = ARGV[10], tonumber(ARGV[11]), ARGV[12], ARGV[13]

local function reply(status, from)
  local out = {status, from or ''}
  for _, v in ipairs(redis.call('HGETALL', req)) do out[#out + 1] = v end
  return out
end

local function value_of(field)
  local v = sets[field]
  if v == nil then v = redis.call('HGET', req, field) end
  return v
end

local function audit(from, to_state, who, more)
  local entry = {'request', id, 'actor', who, 'at', now_iso, 'from', from, 'to', to_state}
  for _, f in ipairs({'account_id', 'region', 'fix', 'remedy_id', 'policy_sha256'}) do
    local v = value_of(f)
    if v then entry[#entry + 1] = f; entry[#entry + 1] = v end
  end
  for k, v in pairs(more) do entry[#entry + 1] = k; entry[#entry + 1] = v end
  redis.call('XADD', stream, 'MAXLEN', '~', maxlen, '*', unpack(entry))
end

local function age(field)
  return now - (tonumber(redis.call('HGET', req, field)) or 0)
end

if redis.call('EXISTS', req) == 0 then
  redis.call('ZREM', pending, id)
  return {'missing', ''}
end
local from = redis.call('HGET', req, 'state')
if redis.call('HGET', req, 'last_op') == op then
  return reply('done', redis.call('HGET', req, 'last_from'))
end
if from == 'FIX_REQUESTED' and to ~= 'EXPIRED' and age('requested_at') >= timeout then
  sets = {}
  audit(from, 'EXPIRED', 'system', {reason = 'approval timed out'})
  redis.call('ZREM', pending, id)
  redis.call('HSET', req, 'state', 'EXPIRED', 'updated_at', ARGV[5])
  return reply('expired', from)
end
local known = false
for _, s in ipairs(expected) do if s == from then known = true end end
if not known then return reply('mismatch', from) end
if from == 'FIX_REQUESTED' and to == 'EXPIRED' and age('requested_at') < timeout then
  return reply('not_due', from)
end
if from == 'FAILED' and to == 'QUEUED' and age('decided_at') >= timeout then
  return reply('approval_stale', from)
end

audit(from, to, actor, extras)
if to == 'FIX_REQUESTED' then
  redis.call('ZADD', pending, value_of('requested_at'), id)
elseif from == 'FIX_REQUESTED' then
  redis.call('ZREM', pending, id)
end
local flat = {'state', to, 'updated_at', ARGV[5], 'last_op', op, 'last_from', from}
for k, v in pairs(sets) do flat[#flat + 1] = k; flat[#flat + 1] = v end
redis.call('HSET', req, unpack(flat))
if #dels > 0 then redis.call('HDEL', req, unpack(dels)) end
if from == 'RUNNING' and to == 'QUEUED' then redis.call('HINCRBY', req, 'attempts', 1) end
if from == 'FAILED' and to == 'QUEUED' then redis.call('HINCRBY', req, 'retries', 1) end
redis.call('EXPIRE', req, ttl)
return reply('ok', from)
"""

#: KEYS: request hash. ARGV: field, value, ... Sets where-the-card-is fields of an existing
#: request (never its state); returns 0 when the request is gone.
ANNOTATE: Final = """#!lua
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
"""
