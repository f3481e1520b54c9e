-- want: Envfile.lua:4: machine "b": docker: host, context and reach must be the same for every machine that sets them (machine "a" sets { host = "ssh://one" }): one environment runs on one engine
box "debian/bookworm"
machine "a" { docker = { host = "ssh://one" } }
machine "b" { docker = { host = "ssh://two" } }
