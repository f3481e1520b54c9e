-- base: what every machine of ours gets. A module is Lua like an Envfile,
-- with the same builtins; it returns its table.
local debian = require "envrun.debian"
local hosts = require "envrun.hosts"
local template = require "envrun.template"

local M = {}

-- steps { motd = "TEXT", packages = { ... } } is the provisioning steps of
-- a base machine: packages, /etc/hosts for every machine, a motd.
function M.steps(opts)
  opts = opts or {}
  return {
    debian.packages(opts.packages or { "sudo" }),
    hosts.step(),
    template.file {
      -- envrun.path: a file of this module, wherever it was fetched to.
      source = envrun.path("motd.tmpl"),
      destination = "/etc/motd",
      vars = { motd = opts.motd or "an envrun machine" },
    },
  }
end

return M
