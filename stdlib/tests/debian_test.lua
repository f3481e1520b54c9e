-- Lua-side tests of envrun.debian (run by luaapi's TestStdlibLua).
local debian = require "envrun.debian"

test("packages step", function()
  local line = here(); machine "web" { provision = { debian.packages { "nginx", "curl" } } }
  local s = steps_of("web")[1]
  eq(s.kind, "shell")
  eq(s.name, "packages")
  eq(s.privileged, true, "apt-get runs as root")
  ok(s.pos:find("debian_test.lua:" .. line, 1, true), "the step is placed at the caller: " .. s.pos)
  golden("packages-auto.sh", s.inline)
end)

test("the apt-get command lines", function()
  local function script(opts) return debian.packages_script(opts.list, opts.update, opts.recommends) end
  local auto = script { list = { "nginx", "libc6:amd64" }, update = "auto" }
  ok(auto:find("\napt-get install -y -q -o DPkg::Lock::Timeout=300 --no-install-recommends $missing\n", 1, true), auto)
  ok(auto:find("\nfor p in nginx libc6:amd64; do\n", 1, true), "checks each package")
  ok(auto:find("-mmin -1440", 1, true), "auto refreshes lists older than a day")
  local always = script { list = { "curl" }, update = "always", recommends = true }
  ok(always:find("\napt-get -q -o DPkg::Lock::Timeout=300 update\napt-get install -y -q -o DPkg::Lock::Timeout=300 $missing\n", 1, true), always)
  local never = script { list = { "curl" }, update = "never" }
  ok(not never:find("update", 1, true), "never updates: " .. never)
  -- Nothing is run when everything is installed: the exit comes first.
  local exit_at, install_at = auto:find("\texit 0\n", 1, true), auto:find("apt-get install", 1, true)
  ok(exit_at and exit_at < install_at, "exit before apt-get")
end)

test("packages options", function()
  machine "a" { provision = {
    debian.packages "curl",
    debian.packages { "git", update = "never", name = "tools", timeout = "20m" },
  } }
  local s = steps_of("a")
  ok(s[1].inline:find("for p in curl; do", 1, true), "a single name")
  eq(s[2].name, "tools")
  eq(s[2].timeout, 1200)
end)

test("packages errors", function()
  raises(function() debian.packages {} end, "list at least one package")
  raises(function() debian.packages { "Nginx" } end, "item 1: \"Nginx\" is not a Debian package name")
  raises(function() debian.packages { "curl; reboot" } end, "is not a Debian package name")
  raises(function() debian.packages { "curl", update = "sometimes" } end, "update must be \"auto\", \"always\" or \"never\"")
  local line = here(); local err = raises(function() debian.packages { "curl", upadte = "never" } end, "unknown option \"upadte\" (did you mean \"update\"?)")
  ok(err:find("debian_test.lua:" .. line .. ":", 1, true), "points at the caller: " .. err)
end)

test("user step", function()
  machine "web" { provision = { debian.user {
    name = "deploy", groups = { "www-data", "adm" }, shell = "/bin/bash", uid = 1500,
    comment = "Deploy user", sudo = true,
    authorized_keys = { "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPlaceholderKeyForTests deploy@laptop" },
  } } }
  local s = steps_of("web")[1]
  eq(s.name, "user-deploy")
  eq(s.privileged, true)
  golden("user.sh", s.inline)
end)

test("user minimal and sudo taken back", function()
  local minimal = debian.user_script { name = "app", groups = {}, authorized_keys = {} }
  ok(minimal:find("useradd --create-home \"$u\"", 1, true), minimal)
  ok(not minimal:find("sudoers", 1, true), "sudo left alone when not given")
  local nosudo = debian.user_script { name = "app", groups = {}, authorized_keys = {}, sudo = false }
  ok(nosudo:find("rm -f /etc/sudoers.d/envrun-user-app", 1, true), nosudo)
end)

test("user errors", function()
  raises(function() debian.user { name = "Bad Name" } end, "name must be a user name")
  raises(function() debian.user { name = "x", shell = "bash" } end, "shell must be an absolute path")
  raises(function() debian.user { name = "x", uid = 1.5 } end, "uid must be a whole number")
  raises(function() debian.user { name = "x", groups = { "ok", "not ok" } } end, "groups: item 2 is not a group name")
  raises(function() debian.user { name = "x", authorized_keys = { "just-one-word" } } end, "authorized_keys: item 1 is not one key line")
  raises(function() debian.user { name = "x", comment = "a:b" } end, "comment must be a string without ':'")
  raises(function() debian.user { name = "x", sudo = "yes" } end, "sudo must be true or false")
  raises(function() debian.user { name = "x", group = { "a" } } end, "unknown option \"group\" (did you mean \"groups\"?)")
end)
