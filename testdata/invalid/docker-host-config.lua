-- want: Envfile.lua:3: machine "a": docker.host_config: "ShmSise" is not a field of the Docker API's HostConfig
box "debian/bookworm"
machine "a" { docker = { host_config = { ShmSise = 268435456 } } }
