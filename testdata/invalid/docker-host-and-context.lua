-- want: Envfile.lua:3: machine "a": docker: host and context are exclusive: a context names a host
box "debian/bookworm"
machine "a" { docker = { host = "ssh://one", context = "one" } }
