-- envrun.net: network steps.
--
--   local net = require "envrun.net"
--   machine "app" {
--     depends_on = { "db" },
--     provision = {
--       net.wait_port { machine = "db", port = 5432, timeout = "2m" },
--       shell { inline = "systemctl start app" },
--     },
--   }

local lib = require "envrun._lib"

local M = {}

-- wait_script(host, port, seconds, label) is the script of a wait_port step.
function M.wait_script(host, port, seconds, label)
  return table.concat({
    "#!/bin/bash",
    "# envrun.net.wait_port: wait until something accepts TCP connections on " .. label,
    "host=" .. lib.quote(host) .. " port=" .. port .. " limit=" .. seconds,
    "deadline=$((SECONDS + limit))",
    "until timeout 3 bash -c 'exec 3<>\"/dev/tcp/$1/$2\"' _ \"$host\" \"$port\" 2>/dev/null; do",
    "\tif [ \"$SECONDS\" -ge \"$deadline\" ]; then",
    "\t\techo \"wait_port: nothing accepted TCP connections on " .. label .. " within ${limit}s\" >&2",
    "\t\texit 1",
    "\tfi",
    "\tsleep 1",
    "done",
    "echo \"wait_port: " .. label .. " accepts connections\"",
  }, "\n") .. "\n"
end

-- wait_port { port = , machine = | host = , network = , timeout = "60s", name = }
-- is a step that waits, on the machine it runs on, until something accepts
-- TCP connections on port of machine (its address on network, else its
-- first), of host, or of the machine itself when neither is given; it
-- fails after timeout. It needs bash and coreutils' timeout on the machine.
function M.wait_port(opts)
  lib.check(opts, "net.wait_port", { "port", "machine", "host", "network", "timeout", "name" })
  local port = opts.port
  if type(port) ~= "number" or port ~= math.floor(port) or port < 1 or port > 65535 then
    error("net.wait_port: port must be a port number (1-65535), got " .. tostring(port), 2)
  end
  if opts.machine and opts.host then error("net.wait_port: machine and host are exclusive: give one", 2) end
  if opts.network and not opts.machine then error("net.wait_port: network needs machine", 2) end
  if opts.host ~= nil and (type(opts.host) ~= "string" or not opts.host:match("^[%w.:%-]+$")) then
    error("net.wait_port: host must be an address or a host name", 2)
  end
  local seconds, why = lib.seconds(opts.timeout or 60)
  if not seconds then error("net.wait_port: timeout: " .. why, 2) end
  seconds = math.ceil(seconds)
  return envrun.defer(function(self)
    local host, label = opts.host or "127.0.0.1"
    if opts.machine then
      local m = envrun.machine_info(opts.machine)
      if not m then
        local hint = envrun.suggest(opts.machine, machines())
        error(string.format("net.wait_port: no machine %q%s", opts.machine, hint and string.format(" (did you mean %q?)", hint) or ""), 0)
      end
      host = m.ip
      if opts.network then host = m.networks[opts.network] end
      if not host then
        error(string.format("net.wait_port: machine %q has no address%s", opts.machine, opts.network and (" on network " .. opts.network) or ""), 0)
      end
      label = opts.machine .. ":" .. port .. " (" .. host .. ")"
    else
      label = host .. ":" .. port
      if not opts.host then label = self .. ":" .. port end
    end
    return shell {
      name = opts.name or lib.step_name("wait-" .. (opts.machine or opts.host or self) .. "-" .. port),
      inline = M.wait_script(host, port, seconds, label),
      privileged = false,
      timeout = seconds + 30,
    }
  end)
end

return M
