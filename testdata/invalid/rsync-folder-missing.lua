-- want: Envfile.lua:3: machine "web": synced folder /srv: host folder src does not exist
box "debian/bookworm"
machine "web" { synced_folders = { src = { guest = "/srv", type = "rsync" } } }
