-- want: Envfile.lua:4: file: sync: unknown value "fast" (known: changes, full)
box "debian/bookworm"
machine "a" { provision = {
  file { source = ".", destination = "/srv", sync = "fast" },
} }
