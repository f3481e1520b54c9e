-- want: Envfile.lua:3: depends_on forms a cycle: a → b → c → a
box "debian/bookworm"
machine "a" { depends_on = { "b" } }
machine "b" { depends_on = { "c" } }
machine "c" { depends_on = { "a" } }
