-- want: Envfile.lua:3: trigger "t": on_error: unknown value "ignore" (known: fail, continue)
box "debian/bookworm"
trigger "t" { before = "up", run = "true", on_error = "ignore" }
