-- want: Envfile.lua:5: ansible "site": extra_vars.ratio is NaN
-- want: Envfile.lua:5: ansible "site": extra_vars.limits[2] is +Inf
box "debian/bookworm"
machine "web" {}
ansible "site" { playbook = "site.yml", hosts = { "web" }, extra_vars = { ratio = 0/0, limits = { 1, 1/0 } } }
