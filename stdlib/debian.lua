-- envrun.debian: Debian and Ubuntu package and user steps. Each returns a
-- shell step (privileged) that changes only what differs, and says so:
-- running it again on a machine where nothing changed does nothing.
--
--   local debian = require "envrun.debian"
--   machine "web" {
--     provision = {
--       debian.packages { "nginx", "curl" },
--       debian.user { name = "deploy", groups = { "www-data" }, sudo = true,
--                     authorized_keys = { "ssh-ed25519 AAAA... me@laptop" } },
--     },
--   }

local lib = require "envrun._lib"

local M = {}

local function package_ok(p)
  return type(p) == "string" and (p:match("^[a-z0-9][a-z0-9+.%-]+$") or p:match("^[a-z0-9][a-z0-9+.%-]+:[a-z0-9%-]+$")) ~= nil
end

-- packages_script(list, update, recommends) is the script of a packages
-- step (exposed for tests and for those who build their own step).
function M.packages_script(list, update, recommends)
  local words = table.concat(list, " ")
  local lines = {
    "#!/bin/sh",
    "# envrun.debian.packages: install what is missing of: " .. words,
    "set -eu",
    "missing=",
    "for p in " .. words .. "; do",
    "\t[ \"$(dpkg-query -W -f='${db:Status-Status}' \"$p\" 2>/dev/null)\" = installed ] || missing=\"$missing $p\"",
    "done",
    "if [ -z \"$missing\" ]; then",
    "\techo \"packages: all installed: " .. words .. "\"",
    "\texit 0",
    "fi",
    "export DEBIAN_FRONTEND=noninteractive",
  }
  if update == "always" then
    lines[#lines + 1] = "apt-get -q -o DPkg::Lock::Timeout=300 update"
  elseif update == "auto" then
    lines[#lines + 1] = "# package lists missing or older than a day: refresh them"
    lines[#lines + 1] = "if [ -z \"$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null | head -n 1)\" ]; then"
    lines[#lines + 1] = "\tapt-get -q -o DPkg::Lock::Timeout=300 update"
    lines[#lines + 1] = "fi"
  end
  local install = "apt-get install -y -q -o DPkg::Lock::Timeout=300"
  if not recommends then install = install .. " --no-install-recommends" end
  lines[#lines + 1] = install .. " $missing"
  lines[#lines + 1] = "echo \"packages: installed:$missing\""
  return table.concat(lines, "\n") .. "\n"
end

-- packages { "NAME", ..., update = "auto", recommends = false, name = , timeout = }
-- installs the packages that are not installed yet with apt-get. update:
-- "auto" refreshes the package lists first when they are missing or older
-- than a day, "always" every time something is installed, "never" never.
function M.packages(opts)
  if type(opts) == "string" then opts = { opts } end
  lib.check(opts, "debian.packages", { "update", "recommends", "name", "timeout" }, true)
  if #opts == 0 then error("debian.packages: list at least one package, like debian.packages { \"curl\" }", 2) end
  local list = {}
  for i, p in ipairs(opts) do
    if not package_ok(p) then
      error(string.format("debian.packages: item %d: %s is not a Debian package name", i, type(p) == "string" and string.format("%q", p) or type(p)), 2)
    end
    list[i] = p
  end
  local update = opts.update or "auto"
  if update ~= "auto" and update ~= "always" and update ~= "never" then
    error(string.format("debian.packages: update must be \"auto\", \"always\" or \"never\", got %q", tostring(update)), 2)
  end
  return shell {
    name = opts.name or "packages",
    inline = M.packages_script(list, update, opts.recommends == true),
    timeout = opts.timeout,
  }
end

local function user_ok(s)
  return type(s) == "string" and #s <= 32 and s:match("^[a-z_][a-z0-9_%-]*$") ~= nil
end

-- user_script(u) is the script of a user step.
function M.user_script(u)
  local q = lib.quote
  local lines = {
    "#!/bin/sh",
    "# envrun.debian.user " .. u.name,
    "set -eu",
    "u=" .. q(u.name),
    "changed=",
  }
  local add = { "useradd --create-home" }
  if u.shell then add[#add + 1] = "--shell " .. q(u.shell) end
  if u.home then add[#add + 1] = "--home-dir " .. q(u.home) end
  if u.uid then add[#add + 1] = "--uid " .. tostring(u.uid) end
  if u.system then add[#add + 1] = "--system" end
  if u.comment then add[#add + 1] = "--comment " .. q(u.comment) end
  add[#add + 1] = "\"$u\""
  local function append(...) for _, l in ipairs({ ... }) do lines[#lines + 1] = l end end
  append(
    "if ! id -u \"$u\" >/dev/null 2>&1; then",
    "\t" .. table.concat(add, " "),
    "\tchanged=\"$changed created\"",
    "fi")
  if u.shell then
    append(
      "if [ \"$(getent passwd \"$u\" | cut -d: -f7)\" != " .. q(u.shell) .. " ]; then",
      "\tusermod --shell " .. q(u.shell) .. " \"$u\"",
      "\tchanged=\"$changed shell\"",
      "fi")
  end
  if u.groups and #u.groups > 0 then
    local gs = {}
    for i, g in ipairs(u.groups) do gs[i] = q(g) end
    append(
      "for g in " .. table.concat(gs, " ") .. "; do",
      "\tif ! getent group \"$g\" >/dev/null; then groupadd \"$g\"; changed=\"$changed group:$g\"; fi",
      "\tif ! id -nG \"$u\" | tr ' ' '\\n' | grep -qx \"$g\"; then usermod -aG \"$g\" \"$u\"; changed=\"$changed +$g\"; fi",
      "done")
  end
  if u.authorized_keys and #u.authorized_keys > 0 then
    append(
      "home=$(getent passwd \"$u\" | cut -d: -f6)",
      "group=$(id -gn \"$u\")",
      "install -d -m 0700 -o \"$u\" -g \"$group\" \"$home/.ssh\"",
      "keys=\"$home/.ssh/authorized_keys\"",
      "[ -e \"$keys\" ] || install -m 0600 -o \"$u\" -g \"$group\" /dev/null \"$keys\"",
      "while IFS= read -r key; do",
      "\tif ! grep -qxF \"$key\" \"$keys\"; then printf '%s\\n' \"$key\" >>\"$keys\"; changed=\"$changed key\"; fi",
      "done <<'ENVRUN_KEYS'")
    for _, k in ipairs(u.authorized_keys) do lines[#lines + 1] = k end
    lines[#lines + 1] = "ENVRUN_KEYS"
  end
  if u.sudo ~= nil then
    local file = "/etc/sudoers.d/envrun-user-" .. u.name
    if u.sudo then
      append(
        "rule=\"$u ALL=(ALL) NOPASSWD:ALL\"",
        "if [ \"$(cat " .. file .. " 2>/dev/null)\" != \"$rule\" ]; then",
        "\tprintf '%s\\n' \"$rule\" >" .. file .. ".tmp",
        "\tchmod 0440 " .. file .. ".tmp",
        "\tvisudo -cqf " .. file .. ".tmp",
        "\tmv " .. file .. ".tmp " .. file,
        "\tchanged=\"$changed sudo\"",
        "fi")
    else
      append("if [ -e " .. file .. " ]; then rm -f " .. file .. "; changed=\"$changed no-sudo\"; fi")
    end
  end
  append(
    "if [ -n \"$changed\" ]; then echo \"user $u: changed:$changed\"; else echo \"user $u: unchanged\"; fi")
  return table.concat(lines, "\n") .. "\n"
end

-- user { name =, groups = {}, shell =, home =, uid =, system =, comment =,
--        authorized_keys = {}, sudo = , name_step =, timeout = }
-- makes sure a user exists with these settings. Missing groups are
-- created; groups the user has besides these are left alone; keys are
-- added to authorized_keys, never removed. sudo = true gives passwordless
-- sudo, sudo = false takes back what sudo = true gave; without it sudo is
-- left alone.
function M.user(opts)
  lib.check(opts, "debian.user", { "name", "groups", "shell", "home", "uid", "system", "comment", "authorized_keys", "sudo", "step_name", "timeout" })
  if not user_ok(opts.name) then
    error("debian.user: name must be a user name (lower-case letters, digits, _ and -), got " .. tostring(opts.name), 2)
  end
  local u = { name = opts.name, shell = opts.shell, home = opts.home, system = opts.system, comment = opts.comment, sudo = opts.sudo }
  for _, k in ipairs({ "shell", "home" }) do
    if u[k] ~= nil and (type(u[k]) ~= "string" or u[k]:sub(1, 1) ~= "/") then
      error("debian.user: " .. k .. " must be an absolute path", 2)
    end
  end
  if opts.uid ~= nil then
    if type(opts.uid) ~= "number" or opts.uid < 0 or opts.uid ~= math.floor(opts.uid) then
      error("debian.user: uid must be a whole number", 2)
    end
    u.uid = opts.uid
  end
  if u.comment ~= nil and (type(u.comment) ~= "string" or u.comment:find("[:\n]")) then
    error("debian.user: comment must be a string without ':' or a new line", 2)
  end
  for _, k in ipairs({ "system", "sudo" }) do
    if u[k] ~= nil and type(u[k]) ~= "boolean" then error("debian.user: " .. k .. " must be true or false", 2) end
  end
  u.groups = {}
  for i, g in ipairs(opts.groups or {}) do
    if not user_ok(g) then error(string.format("debian.user: groups: item %d is not a group name", i), 2) end
    u.groups[i] = g
  end
  u.authorized_keys = {}
  for i, k in ipairs(opts.authorized_keys or {}) do
    if type(k) ~= "string" or k:find("\n") or not k:match("^%S+ %S+") then
      error(string.format("debian.user: authorized_keys: item %d is not one key line (\"TYPE KEY [COMMENT]\")", i), 2)
    end
    u.authorized_keys[i] = k
  end
  return shell {
    name = opts.step_name or lib.step_name("user-" .. opts.name),
    inline = M.user_script(u),
    timeout = opts.timeout,
  }
end

return M
