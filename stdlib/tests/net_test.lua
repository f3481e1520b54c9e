-- Lua-side tests of envrun.net (run by luaapi's TestStdlibLua).
local net = require "envrun.net"

test("wait for a machine declared later", function()
  network "lab" { subnet = "172.31.90.0/24" }
  local line = here(); machine "app" { networks = { lab = "172.31.90.11" }, provision = { net.wait_port { machine = "db", port = 5432, timeout = "2m" } } }
  machine "db" { networks = { lab = "172.31.90.12" } }
  eq(finish(), nil)
  local s = steps_of("app")[1]
  eq(s.name, "wait-db-5432")
  eq(s.privileged, false, "no root needed")
  eq(s.timeout, 150, "the step outlives the wait")
  ok(s.pos:find("net_test.lua:" .. line, 1, true), s.pos)
  golden("wait-port.sh", s.inline)
end)

test("host, self and network", function()
  network "lab" { subnet = "172.31.90.0/24" }
  network "back" { subnet = "172.31.91.0/24" }
  machine "a" { networks = { lab = "172.31.90.11" }, provision = {
    net.wait_port { port = 80, timeout = 5 },
    net.wait_port { host = "example.internal", port = 443, name = "ext" },
    net.wait_port { machine = "b", network = "back", port = 6379 },
  } }
  machine "b" { networks = { lab = "172.31.90.12", back = "172.31.91.12" } }
  eq(finish(), nil)
  local s = steps_of("a")
  ok(s[1].inline:find("host=127.0.0.1 port=80 limit=5\n", 1, true), s[1].inline)
  eq(s[1].name, "wait-a-80")
  ok(s[2].inline:find("host=example.internal port=443 limit=60\n", 1, true), s[2].inline)
  eq(s[2].name, "ext")
  ok(s[3].inline:find("host=172.31.91.12 port=6379", 1, true), s[3].inline)
end)

test("errors", function()
  raises(function() net.wait_port { port = 0 } end, "port must be a port number")
  raises(function() net.wait_port { port = 80, machine = "a", host = "b" } end, "machine and host are exclusive")
  raises(function() net.wait_port { port = 80, timeout = "soon" } end, "\"soon\" is not a duration")
  raises(function() net.wait_port { port = 80, host = "a b" } end, "host must be an address")
  local line = here(); local err = raises(function() net.wait_port { prot = 80 } end, "unknown option \"prot\" (did you mean \"port\"?)")
  ok(err:find("net_test.lua:" .. line .. ":", 1, true), err)
  machine "web" { provision = { net.wait_port { machine = "wbe", port = 80 } } }
  local l2 = here() - 1
  local ferr = finish()
  ok(ferr and ferr:find("net_test.lua:" .. l2 .. " (called from ", 1, true) and ferr:find("): net.wait_port: no machine \"wbe\" (did you mean \"web\"?)", 1, true), tostring(ferr))
end)

test("a machine without an address", function()
  machine "a" { provision = { net.wait_port { machine = "b", port = 80 } } }
  machine "b" {}
  local err = finish()
  ok(err and err:find("machine \"b\" has no address", 1, true), tostring(err))
end)
