-- want: Envfile.lua:3: machine "a": docker: unknown key "imgae" (did you mean "image"?)
box "debian/bookworm"
machine "a" { docker = { imgae = "debian" } }
