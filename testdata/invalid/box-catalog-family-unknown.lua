-- want: Envfile.lua:4: box_catalog "myorg/base": cannot tell the package manager of base image acme/base:1: set family = "apt" | "dnf" | "yum" | "apk" | "zypper"
-- (checked by the Docker provider, which alone uses the catalog)
box "myorg/base"
box_catalog "myorg/base" { base = "acme/base:1" }
machine "a" {}
