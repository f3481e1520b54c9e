-- What this module is, and the modules it needs: envrun locks them in the
-- Envfile's Envfile.lock with this one. A relative source is relative to
-- this repository's own.
description = "N web servers on one subnet, with the base steps"
dependencies = {
  base = "../base@v1.0.0",
}
