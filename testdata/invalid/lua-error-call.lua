-- want: Envfile.lua:3: too many machines requested
box "debian/bookworm"
error("too many machines requested")
