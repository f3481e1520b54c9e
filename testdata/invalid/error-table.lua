-- want: Envfile.lua:3: error called with a table value
box "debian/bookworm"
error({ code = 1 })
