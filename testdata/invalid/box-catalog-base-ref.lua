-- want: Envfile.lua:3: box_catalog "myorg/ubuntu-*": base "ubuntu:$2": $2, but the name "myorg/ubuntu-*" has 1 * to stand for
box "myorg/ubuntu-22.04"
box_catalog "myorg/ubuntu-*" { base = "ubuntu:$2" }
machine "a" {}
