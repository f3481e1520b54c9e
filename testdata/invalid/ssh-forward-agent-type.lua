-- want: Envfile.lua:3: machine "web": ssh: forward_agent: expected boolean, got string
box "debian/bookworm"
machine "web" { ssh = { forward_agent = "yes" } }
