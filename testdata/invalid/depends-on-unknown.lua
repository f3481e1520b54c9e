-- want: Envfile.lua:4: machine "b": depends_on: unknown machine "db1" (did you mean "db"?)
box "debian/bookworm"
machine "db" {}
machine "b" { depends_on = { "db1" } }
