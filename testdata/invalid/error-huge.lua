-- want: Envfile.lua:4: xxxxxxxxxx
-- want: bytes in all, cut)
box "debian/bookworm"
error(("x"):rep(100 * 1000 * 1000))
