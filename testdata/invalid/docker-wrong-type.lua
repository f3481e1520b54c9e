-- want: Envfile.lua:3: machine "a": docker: privileged: expected boolean, got string
box "debian/bookworm"
machine "a" { docker = { privileged = "yes" } }
