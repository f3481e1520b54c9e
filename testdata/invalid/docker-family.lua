-- want: Envfile.lua:3: machine "a": docker: family: unknown value "pacman" (known: apt, dnf, yum, apk, zypper)
box "acme/arch"
machine "a" { docker = { base = "archlinux:latest", family = "pacman" } }
