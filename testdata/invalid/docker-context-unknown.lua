-- want: Envfile.lua:4: machine "a": docker.context: docker context "t-nope" does not exist in
-- want: create it with `docker context create t-nope --docker host=...`, or choose one of: default
box "debian/bookworm"
machine "a" { docker = { context = "t-nope" } }
