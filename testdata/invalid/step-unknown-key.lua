-- want: Envfile.lua:3: shell: unknown key "inlin" (did you mean "inline"?)
box "debian/bookworm"
machine "a" { provision = { shell { inlin = "true" } } }
