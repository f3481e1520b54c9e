-- want: Envfile.lua:4: shell "join": hosts: unknown machine "wroker" (did you mean "worker"?)
box "debian/bookworm"
machine "worker" {}
shell "join" { hosts = { "wroker" }, inline = "true" }
