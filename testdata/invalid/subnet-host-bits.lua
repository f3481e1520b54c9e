-- want: Envfile.lua:2: network "n": subnet "10.9.0.5/24" has host bits set (did you mean "10.9.0.0/24"?)
network "n" { subnet = "10.9.0.5/24" }
