-- want: Envfile.lua:3: envrun.host is read-only
box "debian/bookworm"
envrun.host.cpus = 64
machine "a" { cpus = envrun.host.cpus }
