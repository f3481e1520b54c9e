-- want: Envfile.lua:3: machine "web": ssh: port: expected a whole number, got 22.5
box "debian/bookworm"
machine "web" { ssh = { port = 22.5 } }
