-- want: Envfile.lua:4: machine "web" is defined twice (first at Envfile.lua:3)
box "debian/bookworm"
machine "web" {}
machine "web" {}
