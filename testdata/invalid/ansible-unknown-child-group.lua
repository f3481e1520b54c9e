-- want: Envfile.lua:5: ansible "site": children.deployments: unknown group "dbs" (did you mean "db"?)
box "debian/bookworm"
machine "a" { groups = { "web" } }
machine "b" { groups = { "db" } }
ansible "site" { playbook = "site.yml", children = { deployments = { "web", "dbs" } } }
