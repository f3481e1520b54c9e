-- want: Envfile.lua:3: shell: timeout: "soon" is not a duration (like "90s", "10m", "1h")
box "debian/bookworm"
machine "a" { provision = { shell { inline = "true", timeout = "soon" } } }
