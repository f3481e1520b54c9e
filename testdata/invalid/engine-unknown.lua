-- want: Envfile.lua:5: machine "db": unknown engine "bgi" (did you mean "big"?) (engines: big, small)
box "debian/bookworm"
engine "big" { docker = "ssh://root@127.0.0.1:1" }
engine "small" { context = "default" }
machine "db" { engine = "bgi" }
