-- want: Envfile.lua:5: machine "a": step name "setup" is used twice (first at Envfile.lua:4)
box "debian/bookworm"
machine "a" { provision = {
  shell { name = "setup", inline = "true" },
  shell { name = "setup", inline = "false" },
} }
