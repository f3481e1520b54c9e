-- want: Envfile.lua:4: ansible "site": children forms a cycle: a → b → a
box "debian/bookworm"
machine "m" { groups = { "web" } }
ansible "site" { playbook = "site.yml", children = { a = { "b" }, b = { "a", "web" } } }
