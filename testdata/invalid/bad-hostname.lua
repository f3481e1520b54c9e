-- want: Envfile.lua:3: machine "a": hostname "web_1.local" has an invalid label "web_1"
box "debian/bookworm"
machine "a" { hostname = "web_1.local" }
