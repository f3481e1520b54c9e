-- want: Envfile.lua:3: machine "web": synced folder /srv: type "9p" is libvirt's; on Docker a synced folder is a bind mount
box "debian/bookworm"
machine "web" { synced_folders = { ["."] = { guest = "/srv", type = "9p" } } }
