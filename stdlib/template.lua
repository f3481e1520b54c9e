-- envrun.template: render a file from a Lua table and install it.
--
--   local template = require "envrun.template"
--   machine "web" {
--     provision = {
--       template.file {
--         source = "nginx.conf.tmpl",            -- a Go text/template
--         destination = "/etc/nginx/conf.d/app.conf",
--         vars = { port = 8080, upstreams = { "10.0.0.21", "10.0.0.22" } },
--         mode = "0644", owner = "root",
--       },
--     },
--   }
--
-- nginx.conf.tmpl:
--   server {
--     listen {{ .port }};
--   {{- range .upstreams }}
--     # upstream {{ . }}
--   {{- end }}
--   }
--
-- Templates are rendered when the Envfile loads: a syntax error or a
-- missing key is reported then, at the template.file line, before anything
-- is created. Template syntax: https://pkg.go.dev/text/template, plus
-- join (join .list ", ").

local lib = require "envrun._lib"

local M = {}

-- render(text, vars) renders a template text.
function M.render(text, vars)
  return envrun.render(text, vars or {})
end

-- render_file(source, vars) renders the template file source (relative to
-- the Envfile's folder; a module passes envrun.path("x.tmpl")).
function M.render_file(source, vars)
  return envrun.render(envrun.read(source), vars or {}, source)
end

-- install_script(content, destination, mode, owner, group) is the script
-- of a template.file step: it writes content to destination (making its
-- folder) only when the file, its mode or its owner differ.
function M.install_script(content, destination, mode, owner, group)
  local q = lib.quote
  local dest = q(destination)
  return "#!/bin/sh\n" ..
      "# envrun.template.file " .. destination .. "\n" ..
      "set -eu\n" ..
      "tmp=$(mktemp)\n" ..
      "trap 'rm -f \"$tmp\"' EXIT\n" ..
      lib.heredoc(content, "\"$tmp\"") ..
      "if [ -f " .. dest .. " ] && cmp -s \"$tmp\" " .. dest ..
      " && [ \"$(stat -c %a:%U:%G " .. dest .. ")\" = " .. q(string.format("%o", mode) .. ":" .. owner .. ":" .. group) .. " ]; then\n" ..
      "\techo " .. q(destination .. ": unchanged") .. "\n" ..
      "else\n" ..
      "\tinstall -D -m " .. string.format("%04o", mode) .. " -o " .. q(owner) .. " -g " .. q(group) .. " \"$tmp\" " .. dest .. "\n" ..
      "\techo " .. q(destination .. ": written") .. "\n" ..
      "fi\n"
end

local function name_ok(s) return type(s) == "string" and s:match("^[a-z_][a-z0-9_%-]*$") ~= nil end

-- file { source = | text = , destination = , vars = {}, mode = "0644",
--        owner = "root", group = owner, name = , timeout = }
-- renders the template (a file, or text) with vars and installs the result
-- at destination on the machine, as root.
function M.file(opts)
  lib.check(opts, "template.file", { "source", "text", "destination", "vars", "mode", "owner", "group", "name", "timeout" })
  if (opts.source == nil) == (opts.text == nil) then
    error("template.file: give source = \"FILE\" or text = \"TEMPLATE\"", 2)
  end
  local dest = opts.destination
  if type(dest) ~= "string" or dest:sub(1, 1) ~= "/" then
    error("template.file: destination must be an absolute path on the machine, got " .. tostring(dest), 2)
  end
  local mode = opts.mode or "0644"
  if type(mode) ~= "string" or not mode:match("^0?[0-7][0-7][0-7]$") then
    error(string.format("template.file: mode must be octal text like \"0644\", got %s", tostring(mode)), 2)
  end
  local owner = opts.owner or "root"
  local group = opts.group or owner
  if not name_ok(owner) or not name_ok(group) then error("template.file: owner and group must be user and group names", 2) end
  if opts.vars ~= nil and type(opts.vars) ~= "table" then error("template.file: vars must be a table", 2) end
  local content
  if opts.source then
    content = M.render_file(opts.source, opts.vars)
  else
    content = envrun.render(opts.text, opts.vars or {}, "text")
  end
  return shell {
    name = opts.name or lib.step_name("template-" .. dest:match("([^/]+)$")),
    inline = M.install_script(content, dest, tonumber(mode, 8), owner, group),
    timeout = opts.timeout,
    watch = opts.source and { opts.source } or nil,
  }
end

return M
