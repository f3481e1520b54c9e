-- want: Envfile.lua:3: machine "web": synced folder /srv: owner and group are not supported on Docker: a bind mount shows the host's owners, and the machine's user takes the host user's uid and gid so it can write the folder (docs/machines.md); leave them out
box "debian/bookworm"
machine "web" { synced_folders = { ["."] = { guest = "/srv", owner = "www-data" } } }
