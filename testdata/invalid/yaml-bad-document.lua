-- A settings document that does not parse names the Envfile's line, the document and its line.
-- want: Envfile.lua:5: envrun.yaml.decode: settings.yaml:2: did not find expected ',' or ']'
box "debian/bookworm"
local text = "workers: 2\nnodes: [a,\nmemory: 1\n"
local settings = envrun.yaml.decode(text, "settings.yaml")
machine "a" { memory = settings.memory }
