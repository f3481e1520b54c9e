-- want: Envfile.lua:3: defaults: ssh: port: expected number, got string
box "debian/bookworm"
defaults { ssh = { port = "2222" } }
machine "web" { }
