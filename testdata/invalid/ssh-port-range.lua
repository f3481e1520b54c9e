-- want: Envfile.lua:3: machine "web": ssh: port must be 1 to 65535, got 70000
box "debian/bookworm"
machine "web" { ssh = { port = 70000 } }
