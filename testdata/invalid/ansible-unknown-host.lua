-- want: Envfile.lua:5: ansible "site": playbook site.yml does not exist
-- want: Envfile.lua:5: ansible "site": hosts: unknown machine "b" (did you mean "a"?)
box "debian/bookworm"
machine "a" {}
ansible "site" { playbook = "site.yml", hosts = { "b" } }
