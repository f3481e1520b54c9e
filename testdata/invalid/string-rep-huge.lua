-- want: Envfile.lua:3: string.rep: the result would be 100000000000 bytes, more than a load may make (1024 MiB)
box "debian/bookworm"
local s = ("x"):rep(1e11)
machine "a" {}
