-- want: Envfile.lua:3: error called with nil
box "debian/bookworm"
error(nil)
