-- want: Envfile.lua:3: machine "web": libvirt.uri: "qemu+ext:///system?command=/tmp/prog": envrun opens
box "debian/bookworm"
machine "web" { libvirt = { uri = "qemu+ext:///system?command=/tmp/prog" } }
