-- want: Envfile.lua:3: machine "my machine": name must be 1 to 63 letters, digits, '-' or '_'
box "debian/bookworm"
machine "my machine" {}
