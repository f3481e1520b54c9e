-- want: Envfile.lua:3: machine "a": unknown key "dokcer" (did you mean "docker"?)
box "debian/bookworm"
machine "a" { dokcer = { image = "debian" } }
