-- want: Envfile.lua:3: machine "a": libvirt.boot_timeout must be positive, got 0 seconds
box "debian/bookworm"
machine "a" { libvirt = { boot_timeout = 0 } }
