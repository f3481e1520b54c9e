-- want: Envfile.lua:3: machine "web": unknown key "hostnme" (did you mean "hostname"?)
box "debian/bookworm"
machine "web" { hostnme = "web.local" }
