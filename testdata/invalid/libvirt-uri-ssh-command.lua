-- want: Envfile.lua:3: machine "web": libvirt.uri: "qemu+ssh://kvm1/system?netcat=/tmp/nc": parameter "netcat" is not one envrun allows
box "debian/bookworm"
machine "web" { libvirt = { uri = "qemu+ssh://kvm1/system?netcat=/tmp/nc" } }
