-- want: Envfile.lua:3: machine "a": user "Root User" is not a valid user name
box "debian/bookworm"
machine "a" { user = "Root User" }
