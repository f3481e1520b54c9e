-- want: Envfile.lua:4: ansible "site": group_vars: unknown group "wbe" (did you mean "web"?)
box "debian/bookworm"
machine "a" { groups = { "web" } }
ansible "site" { playbook = "site.yml", group_vars = { all = { x = 1 }, wbe = { port = 80 } } }
