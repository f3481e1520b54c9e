-- want: Envfile.lua:4: syntax error
box "debian/bookworm"
machine "web" {
  hostname = "web",
