-- webpair: web servers on one network, named web1, web2, ...
local cluster = require "envrun.cluster"
local base = require "base"          -- a dependency, by its name
local names = require ".names"       -- a file of this module: names.lua beside this one

local M = {}

M.count = 2

-- define { network = "NET", first_ip = "IP", domain = "DOMAIN" } defines the
-- web servers and returns their names.
function M.define(opts)
  return cluster.define {
    prefix = names.prefix,
    count = M.count,
    network = opts.network,
    first_ip = opts.first_ip,
    domain = opts.domain,
    machine = { groups = { "web" }, provision = base.steps { motd = "a web server" } },
  }
end

return M
