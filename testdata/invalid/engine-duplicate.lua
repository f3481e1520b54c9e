-- want: Envfile.lua:4: engine "big" is defined twice (first at Envfile.lua:3)
box "debian/bookworm"
engine "big" { docker = "ssh://one" }
engine "big" { docker = "ssh://two" }
machine "m" { engine = "big" }
