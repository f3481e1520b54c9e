-- want: Envfile.lua:4: engine "b": only one engine may be the default, and engine "a" (Envfile.lua:3) is
box "debian/bookworm"
engine "a" { docker = "ssh://one", default = true }
engine "b" { docker = "ssh://two", default = true }
machine "m" {}
