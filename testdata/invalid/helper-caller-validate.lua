-- A whole-Envfile check names the helper's line and the call's too.
-- want: Envfile.lua:9 (called from Envfile.lua:13): machine "node" is defined twice (first at Envfile.lua:9 (called from Envfile.lua:12))
box "debian/bookworm"
network "lan" { subnet = "172.26.9.0/24" }

local function node(n)
  -- the name should have been "node" .. n
  local name = "node"
  machine (name) { networks = { lan = "172.26.9." .. (10 + n) } }
end

node(1)
node(2)
