-- want: Envfile.lua:3: no position asked for
box "debian/bookworm"
error("no position asked for", 0)
