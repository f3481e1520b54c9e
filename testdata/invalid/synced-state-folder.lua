-- want: Envfile.lua:4: machine "web": synced folder
-- want: is envrun's state folder, which holds the environment's private key: it is never shared
box "debian/bookworm"
machine "web" { synced_folders = { ["./.envrun"] = "/keys" } }
