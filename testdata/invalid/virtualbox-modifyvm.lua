-- want: Envfile.lua:3: machine "a": virtualbox.modifyvm: --memory is set by envrun (memory)
box "debian/bookworm"
machine "a" { virtualbox = { modifyvm = { "--memory", "4096" } } }
