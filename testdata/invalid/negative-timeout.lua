-- want: Envfile.lua:3: shell: timeout must be positive
box "debian/bookworm"
machine "a" { provision = { shell { inline = "true", timeout = "-5s" } } }
