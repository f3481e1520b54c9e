-- want: Envfile.lua:4: ansible "site": host_vars.a.ansible_host: a connection setting, which envrun's inventory gives
box "debian/bookworm"
machine "a" {}
ansible "site" { playbook = "Envfile.lua", host_vars = { a = { ansible_host = "10.0.0.1" } } }
