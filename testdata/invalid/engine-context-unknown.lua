-- want: Envfile.lua:4: engine "big": context: docker context "t-nope" does not exist in
-- want: create it with `docker context create t-nope --docker host=...`, or choose one of: default
box "debian/bookworm"
engine "big" { context = "t-nope" }
machine "m" { engine = "big" }
