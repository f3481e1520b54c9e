-- want: Envfile.lua:3: machine "a": libvirt.halt_timeout must be at least 0 seconds, got -1 seconds
box "debian/bookworm"
machine "a" { libvirt = { halt_timeout = -1 } }
