-- want: Envfile.lua:3: engine "big": reach: unknown value "jmp" (did you mean "jump"?)
box "debian/bookworm"
engine "big" { docker = "ssh://root@127.0.0.1:1", reach = "jmp" }
machine "m" { engine = "big" }
