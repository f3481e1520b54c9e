-- want: Envfile.lua:5: machine "web": group "front-end": Ansible group names are letters, digits and '_', not starting with a digit
-- (group "db" shares a machine's name: allowed, as Ansible allows it, with a warning)
-- want: Envfile.lua:7: ansible "site": groups: "all": is one of Ansible's own groups
box "debian/bookworm"
machine "web" { groups = { "front-end", "db" } }
machine "db" {}
ansible "site" { playbook = "Envfile.lua", hosts = machines(), groups = { all = { "web" } } }
