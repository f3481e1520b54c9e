-- want: Envfile.lua:4: machine "a": file step "file#1": source nothere.txt does not exist
box "debian/bookworm"
machine "a" { provision = {
  file { source = "nothere.txt", destination = "/tmp/x" },
} }
