-- want: Envfile.lua:4: machine "b": hostname "app.local" is already used by machine "a" (Envfile.lua:3)
box "debian/bookworm"
machine "a" { hostname = "app.local" }
machine "b" { hostname = "app.local" }
