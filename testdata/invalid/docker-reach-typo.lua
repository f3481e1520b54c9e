-- want: Envfile.lua:3: machine "a": docker: reach: unknown value "jmp" (did you mean "jump"?) (known: direct, jump, engine)
box "debian/bookworm"
machine "a" { docker = { reach = "jmp" } }
