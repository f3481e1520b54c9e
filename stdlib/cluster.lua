-- envrun.cluster: define a group of alike machines on one subnet, with
-- sequential names and IP addresses.
--
--   local cluster = require "envrun.cluster"
--   local names = cluster.define {
--     prefix   = "node",            -- node1, node2, ...
--     count    = 3,
--     network  = "lab",             -- a network declared with network "lab" {...}
--     first_ip = "10.10.0.11",      -- node1 gets .11, node2 .12, ...
--     domain   = "lab.local",       -- optional: hostnames node1.lab.local, ...
--     machine  = { cpus = 1, memory = 512, groups = { "nodes" } },  -- any machine keys
--   }
--
-- Returns the list of machine names defined. machine.provision, when given,
-- is shared by every machine; a function machine = function(i, name, ip)
-- return { ... } end gives each its own settings.

local M = {}

-- ip_to_number("10.0.0.1") → 167772161; raises on a malformed address.
function M.ip_to_number(ip)
  local a, b, c, d = string.match(ip, "^(%d+)%.(%d+)%.(%d+)%.(%d+)$")
  if not a then error("envrun.cluster: " .. tostring(ip) .. " is not an IPv4 address", 3) end
  local n = 0
  for _, part in ipairs({ a, b, c, d }) do
    part = tonumber(part)
    if part > 255 then error("envrun.cluster: " .. ip .. " is not an IPv4 address", 3) end
    n = n * 256 + part
  end
  return n
end

-- number_to_ip(167772161) → "10.0.0.1"
function M.number_to_ip(n)
  local parts = {}
  for i = 4, 1, -1 do
    parts[i] = tostring(n % 256)
    n = math.floor(n / 256)
  end
  return table.concat(parts, ".")
end

-- nth_ip("10.0.0.11", 2) → "10.0.0.13": the address i after first.
function M.nth_ip(first, i)
  return M.number_to_ip(M.ip_to_number(first) + i)
end

local function copy(t)
  local out = {}
  for k, v in pairs(t or {}) do out[k] = v end
  return out
end

function M.define(opts)
  if type(opts) ~= "table" then error("envrun.cluster.define: expected a table of options", 2) end
  for k in pairs(opts) do
    if k ~= "prefix" and k ~= "count" and k ~= "network" and k ~= "first_ip"
      and k ~= "domain" and k ~= "machine" and k ~= "start" then
      error("envrun.cluster.define: unknown option " .. tostring(k), 2)
    end
  end
  local prefix = opts.prefix or error("envrun.cluster.define: prefix is missing", 2)
  local count = opts.count or error("envrun.cluster.define: count is missing", 2)
  if type(count) ~= "number" or count < 1 or count ~= math.floor(count) then
    error("envrun.cluster.define: count must be a whole number of 1 or more", 2)
  end
  if opts.network and not opts.first_ip then
    error("envrun.cluster.define: network needs first_ip", 2)
  end
  local start = opts.start or 1
  local names = {}
  for i = 1, count do
    local name = prefix .. tostring(start + i - 1)
    local ip = opts.first_ip and M.nth_ip(opts.first_ip, i - 1)
    local settings
    if type(opts.machine) == "function" then
      settings = copy(opts.machine(i, name, ip))
    else
      settings = copy(opts.machine)
    end
    if opts.domain and settings.hostname == nil then
      settings.hostname = name .. "." .. opts.domain
    end
    if opts.network then
      local nets = copy(settings.networks)
      nets[opts.network] = ip
      settings.networks = nets
    end
    machine(name)(settings)
    names[#names + 1] = name
  end
  return names
end

return M
