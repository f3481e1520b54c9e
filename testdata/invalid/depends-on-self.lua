-- want: Envfile.lua:4: machine "a": depends_on names the machine itself
-- want: Envfile.lua:4: depends_on forms a cycle: a → a
box "debian/bookworm"
machine "a" { depends_on = { "a" } }
