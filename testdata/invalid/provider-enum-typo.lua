-- want: Envfile.lua:3: machine "a": libvirt: graphics: unknown value "spcie" (did you mean "spice"?) (known: none, spice, vnc)
box "debian/bookworm"
machine "a" { libvirt = { graphics = "spcie" } }
