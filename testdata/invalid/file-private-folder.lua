-- want: Envfile.lua:5: machine "a": file step "file#2": source .envrun/id_ed25519 is inside .envrun, the environment's private folder (its key, state and lock): envrun never uploads it
box "debian/bookworm"
machine "a" { provision = {
  file { source = ".", destination = "/srv", sync = "full" },
  file { source = ".envrun/id_ed25519", destination = "/tmp/key" },
} }
