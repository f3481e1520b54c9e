-- envrun.hosts: /etc/hosts entries for every machine, on every machine.
--
--   local hosts = require "envrun.hosts"
--   machine "web" { networks = { lab = "10.0.0.11" }, provision = { hosts.step() } }
--   machine "db"  { networks = { lab = "10.0.0.12" }, provision = { hosts.step() } }
--
-- The step is computed once the whole Envfile ran, so it lists machines
-- declared after it too. It keeps its entries in one block of /etc/hosts,
-- between "# BEGIN envrun hosts" and "# END envrun hosts", rewritten in
-- place (Docker bind-mounts /etc/hosts) and only when it differs.

local lib = require "envrun._lib"

local M = {}

local BEGIN, END = "# BEGIN envrun hosts", "# END envrun hosts"

-- entries { network = , extra = } lists { ip = , names = { ... } } for every
-- machine declared so far that has an address (on network when given, else
-- its first one): its hostname, its short hostname, then its name. extra
-- adds entries: { ["10.0.0.1"] = "gateway gw.lab" }.
function M.entries(opts)
  opts = opts or {}
  local out = {}
  for _, name in ipairs(machines()) do
    local m = envrun.machine_info(name)
    local ip = m.ip
    if opts.network then ip = m.networks[opts.network] end
    if ip then
      local names, seen = {}, {}
      local function add(n)
        if n and not seen[n] then
          seen[n] = true
          names[#names + 1] = n
        end
      end
      add(m.hostname)
      add(m.hostname:match("^([^.]+)"))
      add(m.name)
      out[#out + 1] = { ip = ip, names = names }
    end
  end
  local extra = {}
  for ip, names in pairs(opts.extra or {}) do extra[#extra + 1] = { ip = ip, names = { names } } end
  table.sort(extra, function(a, b) return a.ip < b.ip end)
  for _, e in ipairs(extra) do out[#out + 1] = e end
  return out
end

-- block(entries) is the text of the envrun block of /etc/hosts.
function M.block(entries)
  local lines = { BEGIN }
  for _, e in ipairs(entries) do
    lines[#lines + 1] = e.ip .. "\t" .. table.concat(e.names, " ")
  end
  lines[#lines + 1] = END
  return table.concat(lines, "\n") .. "\n"
end

-- script(entries) is the script of the step.
function M.script(entries)
  local n = #entries
  return table.concat({
    "#!/bin/sh",
    "# envrun.hosts: the envrun block of /etc/hosts, " .. n .. " entries",
    "set -eu",
    "new=$(mktemp)",
    "trap 'rm -f \"$new\" \"$new.block\"' EXIT",
    "sed '/^" .. BEGIN .. "$/,/^" .. END .. "$/d' /etc/hosts >\"$new\"",
    lib.heredoc(M.block(entries), "\"$new.block\"") .. "cat \"$new.block\" >>\"$new\"",
    "if cmp -s \"$new\" /etc/hosts; then",
    "\techo \"/etc/hosts: unchanged (" .. n .. " entries)\"",
    "else",
    "\tcat \"$new\" >/etc/hosts",
    "\techo \"/etc/hosts: updated (" .. n .. " entries)\"",
    "fi",
  }, "\n") .. "\n"
end

local function check_extra(extra)
  if extra == nil then return end
  if type(extra) ~= "table" then error("hosts.step: extra: expected { [\"IP\"] = \"NAMES\" }", 3) end
  for ip, names in pairs(extra) do
    if type(ip) ~= "string" or not ip:match("^[%x.:]+$") or type(names) ~= "string" or names:find("[\n#]") then
      error("hosts.step: extra: expected { [\"IP\"] = \"NAMES\" }, got " .. tostring(ip) .. " = " .. tostring(names), 3)
    end
  end
end

-- step { network = , extra = , name = } is the provisioning step.
function M.step(opts)
  opts = opts or {}
  lib.check(opts, "hosts.step", { "network", "extra", "name" })
  check_extra(opts.extra)
  return envrun.defer(function()
    if opts.network then
      local any = false
      for _, name in ipairs(machines()) do
        if envrun.machine_info(name).networks[opts.network] then any = true end
      end
      if not any then
        error(string.format("hosts.step: no machine is on network %q", opts.network), 0)
      end
    end
    return shell { name = opts.name or "hosts", inline = M.script(M.entries(opts)) }
  end)
end

return M
