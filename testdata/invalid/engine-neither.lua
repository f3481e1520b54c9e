-- want: Envfile.lua:3: engine "big"
box "debian/bookworm"
engine "big" { reach = "engine" }
machine "m" { engine = "big" }
