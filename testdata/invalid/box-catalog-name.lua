-- want: Envfile.lua:3: box_catalog "myorg/ubuntu 22.04": the name is a box name, ORG/NAME or NAME
box "myorg/base"
box_catalog "myorg/ubuntu 22.04" { base = "ubuntu:22.04", family = "apt" }
machine "a" {}
