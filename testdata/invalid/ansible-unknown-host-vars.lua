-- want: Envfile.lua:5: ansible "site": host_vars: unknown machine "web3" (did you mean "web1"?)
box "debian/bookworm"
machine "web1" {}
machine "db1" {}
ansible "site" { playbook = "site.yml", host_vars = { web3 = { primary = true } } }
