-- want: Envfile.lua:3: machine "web": synced folder /srv: exclude is for type = "rsync" folders
box "debian/bookworm"
machine "web" { synced_folders = { ["."] = { guest = "/srv", exclude = { "*.log" } } } }
