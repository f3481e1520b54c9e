-- envrun._lib: helpers the standard library shares. Not a public API:
-- names starting with _ may change.

local M = {}

-- check(opts, what, known): opts must be a table whose string keys are all
-- in known; list items (integer keys) are allowed when list is true. The
-- error points at the caller of the function that called check.
function M.check(opts, what, known, list)
  if type(opts) ~= "table" then
    error(what .. ": expected a table of options, got " .. type(opts), 3)
  end
  local set = {}
  for _, k in ipairs(known) do set[k] = true end
  local bad = {}
  for k in pairs(opts) do
    local list_item = type(k) == "number" and list and k == math.floor(k) and k >= 1 and k <= #opts
    if list_item then -- luacheck: ignore 542
    elseif type(k) ~= "string" then
      error(what .. ": unexpected " .. type(opts[k]) .. " in the options: every option needs a key", 3)
    elseif not set[k] then
      bad[#bad + 1] = k
    end
  end
  if #bad > 0 then
    table.sort(bad)
    local hint = envrun.suggest(bad[1], known)
    error(string.format("%s: unknown option %q%s", what, bad[1], hint and string.format(" (did you mean %q?)", hint) or ""), 3)
  end
end

-- quote(s) quotes s for a POSIX shell.
function M.quote(s)
  s = tostring(s)
  if s ~= "" and not s:find("[^%w%-_./=:,@+%%]") then return s end
  return "'" .. s:gsub("'", "'\\''") .. "'"
end

-- seconds(v) reads a duration: a number of seconds, or "90s", "2m", "1h30m".
-- It returns nil and a message for anything else.
function M.seconds(v)
  if type(v) == "number" and v > 0 then return v end
  if type(v) ~= "string" or v == "" then return nil, "expected a duration like \"90s\" or a number of seconds" end
  local total, rest = 0, v
  while rest ~= "" do
    local n, unit, tail = rest:match("^(%d+%.?%d*)([smh])(.*)$")
    if not n then return nil, string.format("%q is not a duration (like \"90s\", \"2m\", \"1h30m\")", v) end
    total = total + tonumber(n) * ({ s = 1, m = 60, h = 3600 })[unit]
    rest = tail
  end
  if total <= 0 then return nil, "a duration must be positive" end
  return total
end

-- step_name(s) makes s a valid step name: letters, digits, - and _.
function M.step_name(s)
  s = s:gsub("[^%w_-]+", "-"):gsub("^[-_]+", ""):gsub("-+$", "")
  if #s > 63 then s = s:sub(1, 63):gsub("-+$", "") end
  if s == "" then s = "step" end
  return s
end

-- heredoc(text) is shell text that writes text exactly (trailing newline
-- or not) to the file named by the shell word file, with a delimiter that
-- does not occur in text.
function M.heredoc(text, file)
  local delim, n = "ENVRUN_EOF", 0
  while text:find(delim, 1, true) do
    n = n + 1
    delim = "ENVRUN_EOF_" .. n
  end
  local body, trim = text, ""
  if body:sub(-1) ~= "\n" then
    body = body .. "\n"
    trim = "truncate -s -1 " .. file .. "\n"
  end
  return "cat >" .. file .. " <<'" .. delim .. "'\n" .. body .. delim .. "\n" .. trim
end

return M
