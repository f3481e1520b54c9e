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
--     start    = 1,                 -- optional: the first number (node1)
--   }
--
-- Returns the list of machine names defined. machine.provision, when given,
-- is shared by every machine; a function machine = function(i, name, ip)
-- return { ... } end gives each its own settings. The addresses must fit
-- the network's subnet: envrun checks them like any machine's.

local lib = require "envrun._lib"

local M = {}

local function parse_ip(ip)
  local a, b, c, d = string.match(tostring(ip), "^(%d+)%.(%d+)%.(%d+)%.(%d+)$")
  if not a then return nil end
  local n = 0
  for _, part in ipairs({ a, b, c, d }) do
    part = tonumber(part)
    if part > 255 then return nil end
    n = n * 256 + part
  end
  return n
end

-- ip_to_number("10.0.0.1") → 167772161; raises on a malformed address.
function M.ip_to_number(ip)
  return parse_ip(ip) or error("envrun.cluster: " .. tostring(ip) .. " is not an IPv4 address", 2)
end

-- number_to_ip(167772161) → "10.0.0.1"
function M.number_to_ip(n)
  if type(n) ~= "number" or n < 0 or n > 4294967295 or n ~= math.floor(n) then
    error("envrun.cluster: " .. tostring(n) .. " is not an IPv4 address as a number", 2)
  end
  local parts = {}
  for i = 4, 1, -1 do
    parts[i] = tostring(n % 256)
    n = math.floor(n / 256)
  end
  return table.concat(parts, ".")
end

-- nth_ip("10.0.0.11", 2) → "10.0.0.13": the address i after first.
function M.nth_ip(first, i)
  local n = parse_ip(first) or error("envrun.cluster: " .. tostring(first) .. " is not an IPv4 address", 2)
  return M.number_to_ip(n + i)
end

local function copy(t)
  local out = {}
  for k, v in pairs(t or {}) do out[k] = v end
  return out
end

function M.define(opts)
  lib.check(opts, "envrun.cluster.define", { "prefix", "count", "network", "first_ip", "domain", "machine", "start" })
  local prefix = opts.prefix or error("envrun.cluster.define: prefix is missing", 2)
  local count = opts.count or error("envrun.cluster.define: count is missing", 2)
  if type(count) ~= "number" or count < 1 or count ~= math.floor(count) then
    error("envrun.cluster.define: count must be a whole number of 1 or more", 2)
  end
  if opts.network and not opts.first_ip then
    error("envrun.cluster.define: network needs first_ip", 2)
  end
  if opts.first_ip then
    local first = parse_ip(opts.first_ip)
    if not first then error("envrun.cluster.define: first_ip: " .. tostring(opts.first_ip) .. " is not an IPv4 address", 2) end
    if first + count - 1 > 4294967295 then
      error("envrun.cluster.define: first_ip + count goes past 255.255.255.255", 2)
    end
  end
  if type(prefix) ~= "string" then error("envrun.cluster.define: prefix must be a string", 2) end
  if opts.machine ~= nil and type(opts.machine) ~= "table" and type(opts.machine) ~= "function" then
    error("envrun.cluster.define: machine must be a table of machine settings or a function(i, name, ip)", 2)
  end
  local start = opts.start or 1
  if type(start) ~= "number" or start < 0 or start ~= math.floor(start) then
    error("envrun.cluster.define: start must be a whole number", 2)
  end
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
