-- want: Envfile.lua:3: shell: interpreter: expected string, got boolean
box "debian/bookworm"
machine "a" { provision = { shell { inline = "true", interpreter = true } } }
