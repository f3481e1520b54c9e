-- Lua-side tests of envrun.hosts (run by luaapi's TestStdlibLua).
local hosts = require "envrun.hosts"

test("every machine, on every machine, declared before or after", function()
  network "lab" { subnet = "172.31.90.0/24" }
  network "back" { subnet = "172.31.91.0/24" }
  local line = here(); machine "web" { hostname = "web.lab.test", networks = { lab = "172.31.90.11" }, provision = { hosts.step() } }
  machine "db" { networks = { back = "172.31.91.12", lab = "172.31.90.12" }, provision = { hosts.step { network = "back" } } }
  machine "nonet" { provision = { hosts.step { extra = { ["172.31.90.1"] = "gateway gw.lab.test" } } } }
  eq(steps_of("web")[1].kind, "deferred", "computed once the Envfile ran")
  eq(finish(), nil)
  local web = steps_of("web")[1]
  eq(web.kind, "shell")
  eq(web.name, "hosts")
  ok(web.pos:find("hosts_test.lua:" .. line, 1, true), "placed at the caller: " .. web.pos)
  golden("hosts.sh", web.inline)
  local db = steps_of("db")[1].inline
  ok(db:find("\n172.31.91.12\tdb\n", 1, true), "the back network's address: " .. db)
  ok(not db:find("web", 1, true), "web is not on back")
  local nonet = steps_of("nonet")[1].inline
  ok(nonet:find("\n172.31.90.1\tgateway gw.lab.test\n", 1, true), "extra entries: " .. nonet)
  ok(not nonet:find("nonet", 1, true), "a machine without an address has no entry")
end)

test("entries and block", function()
  network "lab" { subnet = "10.9.0.0/24" }
  machine "a" { hostname = "alpha.lab", networks = { lab = "10.9.0.2" } }
  machine "alpha" { networks = { lab = "10.9.0.3" } }
  eq(hosts.entries(), {
    { ip = "10.9.0.2", names = { "alpha.lab", "alpha", "a" } },
    { ip = "10.9.0.3", names = { "alpha" } },
  })
  eq(hosts.block(hosts.entries()), "# BEGIN envrun hosts\n10.9.0.2\talpha.lab alpha a\n10.9.0.3\talpha\n# END envrun hosts\n")
end)

test("errors", function()
  raises(function() hosts.step { netwrok = "lab" } end, "unknown option \"netwrok\" (did you mean \"network\"?)")
  raises(function() hosts.step { extra = { ["1.2.3.4"] = "a\nb" } } end, "extra: expected")
  machine "x" { provision = { hosts.step { network = "nowhere" } } }
  local err = finish()
  ok(err and err:find("hosts_test.lua:%d+[^\n]*: hosts.step: no machine is on network \"nowhere\""), tostring(err))
end)
