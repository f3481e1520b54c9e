-- want: Envfile.lua:4: box_catalog "myorg/base" is defined twice (first at Envfile.lua:3)
box "myorg/base"
box_catalog "myorg/base" { base = "ubuntu:22.04" }
box_catalog "myorg/base" { base = "debian:12" }
machine "a" {}
