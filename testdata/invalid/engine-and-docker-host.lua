-- want: Envfile.lua:4: machine "m": docker: host, context and reach belong to an engine when the Envfile declares engines
box "debian/bookworm"
engine "big" { docker = "ssh://root@127.0.0.1:1" }
machine "m" { docker = { host = "ssh://other" } }
