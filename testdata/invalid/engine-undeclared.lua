-- want: Envfile.lua:3: machine "db": unknown engine "big": declare it with engine "big" { docker = "ssh://..." }
box "debian/bookworm"
machine "db" { engine = "big" }
