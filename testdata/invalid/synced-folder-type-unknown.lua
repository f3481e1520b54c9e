-- want: Envfile.lua:3: machine "web": synced_folders.src: type: unknown value "nfs" (known: virtiofs, 9p, rsync)
box "debian/bookworm"
machine "web" { synced_folders = { src = { guest = "/srv", type = "nfs" } } }
