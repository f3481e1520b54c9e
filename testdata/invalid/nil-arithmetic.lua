-- want: Envfile.lua:4: cannot perform add operation between number and nil
box "debian/bookworm"
local t = {}
local n = 1 + t.count
