-- want: Envfile.lua:3: machine "a": depends_on names the machine itself
box "debian/bookworm"
machine "a" { depends_on = { "a" } }
