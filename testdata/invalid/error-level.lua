-- error(msg, 2) blames the caller, as in Lua: a helper points at the misuse.
local function need_name(name) if not name then error("need_name: a name is needed", 2) end end
need_name()
-- want: Envfile.lua:3: need_name: a name is needed
