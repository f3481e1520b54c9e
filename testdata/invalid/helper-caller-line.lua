-- An error in a machine a helper function declares names the helper's line and the call's.
-- want: Envfile.lua:5 (called from Envfile.lua:9): machine "web2": cpus: expected number, got string
box "debian/bookworm"
local function web(name, cpus)
  machine (name) { cpus = cpus }
end

web("web1", 1)
web("web2", "two")
