-- want: Envfile.lua:3: machine "a": synced_folders: expected a table of names to string or synced_folder tables, got key 1
box "debian/bookworm"
machine "a" { synced_folders = { "./src" } }
