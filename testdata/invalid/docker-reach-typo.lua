-- want: Envfile.lua:3: machine "a": docker.reach: "jmp" is not one of direct, jump, engine (did you mean "jump"?)
box "debian/bookworm"
machine "a" { docker = { reach = "jmp" } }
