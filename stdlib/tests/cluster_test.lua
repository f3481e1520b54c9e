-- Lua-side tests of envrun.cluster (run by luaapi's TestStdlibLua).
local cluster = require "envrun.cluster"

test("address arithmetic", function()
  eq(cluster.ip_to_number("10.0.0.1"), 167772161)
  eq(cluster.number_to_ip(167772161), "10.0.0.1")
  eq(cluster.nth_ip("10.0.0.254", 3), "10.0.1.1", "carries into the next octet")
  raises(function() cluster.ip_to_number("10.0.0.256") end, "10.0.0.256 is not an IPv4 address")
  raises(function() cluster.nth_ip("nope", 1) end, "cluster_test.lua:" .. here() .. ": envrun.cluster: nope is not")
end)

test("sequential names and addresses", function()
  network "lab" { subnet = "172.31.90.0/24" }
  local names = cluster.define {
    prefix = "node", count = 3, network = "lab", first_ip = "172.31.90.11", domain = "lab.test",
    machine = { cpus = 2, groups = { "nodes" } },
  }
  eq(names, { "node1", "node2", "node3" })
  eq(machines(), { "node1", "node2", "node3" })
  for i, name in ipairs(names) do
    local m = envrun.machine_info(name)
    eq(m.ip, "172.31.90." .. (10 + i), name .. " ip")
    eq(m.hostname, name .. ".lab.test", name .. " hostname")
    eq(m.groups, { "nodes" })
    eq(m.networks, { lab = "172.31.90." .. (10 + i) })
  end
  eq(machines { group = "nodes" }, names)
end)

test("start and a function per machine", function()
  network "lab" { subnet = "172.31.90.0/24" }
  cluster.define {
    prefix = "db", count = 2, start = 0, network = "lab", first_ip = "172.31.90.50",
    machine = function(i, name, ip)
      return { hostname = name .. "-" .. i, groups = { i == 1 and "primary" or "replica" }, networks = { lab = "ignored" } }
    end,
  }
  eq(machines(), { "db0", "db1" })
  eq(envrun.machine_info("db0").hostname, "db0-1", "the function's hostname wins over domain")
  eq(envrun.machine_info("db1").groups, { "replica" })
  eq(envrun.machine_info("db1").ip, "172.31.90.51", "network and first_ip set the address")
end)

test("shared provision steps are the machine's own", function()
  cluster.define {
    prefix = "n", count = 2,
    machine = { provision = { shell { inline = "echo hi" } } },
  }
  eq(steps_of("n1")[1].inline, "echo hi")
  eq(steps_of("n2")[1].name, "shell#1")
end)

test("errors point at the caller", function()
  local line = here(); local err = raises(function() cluster.define { count = 2 } end, "prefix is missing")
  ok(err:find("cluster_test.lua:" .. line .. ":", 1, true), "position: " .. err)
  raises(function() cluster.define { prefix = "x", count = 0 } end, "count must be a whole number of 1 or more")
  raises(function() cluster.define { prefix = "x", count = 2, network = "lab" } end, "network needs first_ip")
  local l2 = here(); raises(function() cluster.define { prefix = "x", count = 2, first_ip = "1.2.3" } end,
    "cluster_test.lua:" .. l2 .. ": envrun.cluster.define: first_ip: 1.2.3 is not an IPv4 address")
  raises(function() cluster.define { prefix = "x", count = 2, frist_ip = "1.2.3.4" } end,
    "unknown option \"frist_ip\" (did you mean \"first_ip\"?)")
  raises(function() cluster.define { prefix = "x", count = 2, first_ip = "255.255.255.255" } end, "goes past")
  raises(function() cluster.define "x" end, "expected a table of options, got string")
end)

test("the machine's own checks point at the caller too", function()
  network "lab" { subnet = "172.31.90.0/24" }
  local line = here(); local err = raises(function() cluster.define { prefix = "x", count = 1, machine = { cpu = 1 } } end,
    "machine \"x1\": unknown key \"cpu\" (did you mean \"cpus\"?)")
  ok(err:find("cluster_test.lua:" .. line .. ":", 1, true), "position: " .. err)
end)
