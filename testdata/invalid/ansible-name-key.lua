-- want: Envfile.lua:4: ansible "site": name: an ansible step is named by ansible "NAME" itself
box "debian/bookworm"
machine "a" {}
ansible "site" { name = "other", playbook = "Envfile.lua" }
