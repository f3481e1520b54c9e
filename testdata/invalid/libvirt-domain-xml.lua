-- want: Envfile.lua:3: machine "a": libvirt.domain_xml: <watchdgo> is not an element of a libvirt domain
box "debian/bookworm"
machine "a" { libvirt = { domain_xml = [[<devices><watchdgo model="i6300esb"/></devices>]] } }
