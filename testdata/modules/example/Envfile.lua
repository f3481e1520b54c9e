-- An Envfile that uses the webpair module:
--   envrun module add webpair ../webpair@v1.0.0
box "debian/bookworm"

network "lab" { subnet = "172.31.95.0/24" }

local webpair = require "webpair"
webpair.define { network = "lab", first_ip = "172.31.95.11", domain = "lab.test" }
