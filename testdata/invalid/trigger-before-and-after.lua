-- want: Envfile.lua:3: trigger "t": before and after are exclusive: give one
box "debian/bookworm"
trigger "t" { before = "up", after = "halt", run = "true" }
