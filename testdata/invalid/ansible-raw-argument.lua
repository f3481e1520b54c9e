-- want: Envfile.lua:4: ansible "site": raw_arguments: item 2: "--inventory=hosts" is set by envrun: use inventory_path
box "debian/bookworm"
machine "a" {}
ansible "site" { playbook = "Envfile.lua", raw_arguments = { "--diff", "--inventory=hosts" } }
