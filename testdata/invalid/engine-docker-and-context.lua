-- want: Envfile.lua:3: engine "big": docker and context are exclusive: give one
box "debian/bookworm"
engine "big" { docker = "ssh://root@127.0.0.1:1", context = "big" }
machine "m" { engine = "big" }
