-- want: Envfile.lua:4: syntax error: unterminated string near "a.local }"
box "debian/bookworm"
machine "a" { hostname = "a.local }
