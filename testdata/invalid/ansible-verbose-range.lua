-- want: Envfile.lua:4: ansible "site": verbose must be 0 to 6, got 9
box "debian/bookworm"
machine "a" {}
ansible "site" { playbook = "Envfile.lua", verbose = 9 }
