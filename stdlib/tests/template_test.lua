-- Lua-side tests of envrun.template (run by luaapi's TestStdlibLua).
local template = require "envrun.template"

test("render text", function()
  eq(template.render("port {{ .port }}, {{ .big }}, {{ .ratio }}", { port = 80, big = 1000000, ratio = 0.5 }), "port 80, 1000000, 0.5")
  eq(template.render("{{ range . }}[{{ . }}]{{ end }}", { "a", "b" }), "[a][b]")
  raises(function() template.render("{{ .missing }}", { port = 1 }) end, "map has no entry for key \"missing\"")
end)

test("file step from a template file", function()
  local line = here(); machine "web" { provision = { template.file {
    source = "testdata/app.conf.tmpl", destination = "/etc/app/app.conf", mode = "0640", owner = "root", group = "adm",
    vars = { name = "web", port = 8080, big = 1000000, upstreams = { "10.0.0.1", "10.0.0.2" } },
  } } }
  local s = steps_of("web")[1]
  eq(s.name, "template-app-conf")
  eq(s.privileged, true)
  ok(s.pos:find("template_test.lua:" .. line, 1, true), s.pos)
  eq(#s.watch, 1)
  ok(s.watch[1]:find("/stdlib/tests/testdata/app.conf.tmpl$"), "watches the template: " .. s.watch[1])
  golden("template.sh", s.inline)
  local found = false
  for _, f in ipairs(sources()) do if f:find("app.conf.tmpl$") then found = true end end
  ok(found, "the template is one of the Envfile's sources (watch reloads on change)")
end)

test("text without a final newline, and a delimiter in the text", function()
  local s = template.install_script("a\nENVRUN_EOF\nb", "/tmp/x", tonumber("644", 8), "root", "root")
  ok(s:find("<<'ENVRUN_EOF_1'\na\nENVRUN_EOF\nb\nENVRUN_EOF_1\ntruncate -s -1 \"$tmp\"\n", 1, true), s)
end)

test("errors point at the caller", function()
  local line = here(); local err = raises(function() template.file { source = "testdata/broken.tmpl", destination = "/x" } end, "template: testdata/broken.tmpl:")
  ok(err:find("template_test.lua:" .. line .. ":", 1, true), err)
  raises(function() template.file { text = "{{ .nope }}", destination = "/x", vars = {} } end, "map has no entry for key \"nope\"")
  raises(function() template.file { source = "testdata/none.tmpl", destination = "/x" } end, "envrun.read: open ")
  raises(function() template.file { text = "x", destination = "relative" } end, "destination must be an absolute path")
  raises(function() template.file { text = "x", source = "y", destination = "/x" } end, "give source = \"FILE\" or text = \"TEMPLATE\"")
  raises(function() template.file { text = "x", destination = "/x", mode = "644x" } end, "mode must be octal")
  raises(function() template.file { text = "x", destination = "/x", varz = {} } end, "unknown option \"varz\" (did you mean \"vars\"?)")
end)
