-- want: Envfile.lua:3: machine "a": shell step "shell#1": env name "MY VAR" is not a variable name (letters, digits and '_', not starting with a digit)
box "debian/bookworm"
machine "a" { provision = { shell { inline = "true", env = { ["MY VAR"] = "1" } } } }
