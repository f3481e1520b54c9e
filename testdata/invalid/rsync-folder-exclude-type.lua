-- want: Envfile.lua:3: machine "web": synced_folders..: exclude: item 1: expected string, got number
box "debian/bookworm"
machine "web" { synced_folders = { ["."] = { guest = "/srv", type = "rsync", exclude = { 3 } } } }
