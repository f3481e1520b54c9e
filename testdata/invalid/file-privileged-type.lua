-- want: Envfile.lua:3: file: privileged: expected boolean, got string
box "debian/bookworm"
machine "a" { provision = { file { source = "Envfile.lua", destination = "/tmp/x", privileged = "yes" } } }
