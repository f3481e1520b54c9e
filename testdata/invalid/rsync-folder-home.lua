-- want: Envfile.lua:3: machine "web": synced folder /home/vagrant/: an rsync folder's guest path is an absolute folder other than / and /home/vagrant, the user's home
box "debian/bookworm"
machine "web" { synced_folders = { ["."] = { guest = "/home/vagrant/", type = "rsync" } } }
