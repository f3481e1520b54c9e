-- want: Envfile.lua:3: box_catalog "myorg/arch": family: unknown value "pacman" (known: apt, dnf, yum, apk, zypper)
box "myorg/arch"
box_catalog "myorg/arch" { base = "archlinux:latest", family = "pacman" }
machine "a" {}
