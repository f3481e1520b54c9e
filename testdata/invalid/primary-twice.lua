-- want: Envfile.lua:4: machine "b": primary = true, and machine "a" (Envfile.lua:3) is primary already
box "debian/bookworm"
machine "a" { primary = true }
machine "b" { primary = true }
