-- want: Envfile.lua:4: shell "join": hosts is missing (like hosts = { "controlplane" })
box "debian/bookworm"
machine "worker" {}
shell "join" { inline = "sh /vagrant/join.sh" }
