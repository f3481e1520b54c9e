-- want: Envfile.lua:3: unknown name "undefined_function" (a global that was never set)
box "debian/bookworm"
local x = undefined_function()
