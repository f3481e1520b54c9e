-- want: Envfile.lua:3: envrun.json.decode: vagrant.json:3: invalid character '}' looking for beginning of object key string
box "debian/bookworm"
local settings = envrun.json.decode('{\n  "workers": 2,\n}', "vagrant.json")
machine "a" {}
