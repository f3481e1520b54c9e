-- want: Envfile.lua:3: unknown name "machin" (did you mean "machine"?)
box "debian/bookworm"
machin "web" {}
