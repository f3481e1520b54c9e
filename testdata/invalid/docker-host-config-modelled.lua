-- want: Envfile.lua:3: machine "a": docker.host_config: Privileged is set by envrun from docker.privileged
box "debian/bookworm"
machine "a" { docker = { host_config = { Privileged = true } } }
