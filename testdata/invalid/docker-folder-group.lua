-- want: Envfile.lua:3: machine "web": synced folder /srv: owner and group are not supported on Docker
box "debian/bookworm"
machine "web" { synced_folders = { ["."] = { guest = "/srv", group = "www-data" } } }
