-- want: Envfile.lua:3: box_catalog "myorg/base": base is missing (like base = "ubuntu:$1")
box "myorg/base"
box_catalog "myorg/base" { family = "apt" }
machine "a" {}
