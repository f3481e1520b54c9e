-- want: Envfile.lua:3: machine "a": virtualbox: nic_type: unknown value "virtoi" (did you mean "virtio"?)
box "debian/bookworm"
machine "a" { virtualbox = { nic_type = "virtoi" } }
