-- want: Envfile.lua:3: machine "a": docker: cannot tell the package manager of base image acme/base:1: set family = "apt" | "dnf" | "yum" | "apk" | "zypper"
box "acme/thing"
machine "a" { docker = { base = "acme/base:1" } }
