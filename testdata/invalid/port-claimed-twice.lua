-- want: Envfile.lua:4: machine "b": host port 8080/tcp is also forwarded by machine "a" (Envfile.lua:3, "8080:80"): give one another host port, or let envrun pick a free one with { host = 8080, guest = 8080, auto_correct = true }
box "debian/bookworm"
machine "a" { ports = { "8080:80" } }
machine "b" { ports = { "8080:8080" } }
