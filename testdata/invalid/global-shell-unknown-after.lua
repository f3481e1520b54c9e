-- want: Envfile.lua:5: shell "join": after: no global step or machine "controlplan" (did you mean "controlplane"?)
box "debian/bookworm"
machine "controlplane" {}
machine "worker" {}
shell "join" { hosts = { "worker" }, after = { "controlplan" }, inline = "sh /vagrant/join.sh" }
