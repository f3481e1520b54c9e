-- want: Envfile.lua:3: machine "a": memory is in MiB; 16 MiB is too little for a machine (64 at least)
box "debian/bookworm"
machine "a" { memory = 16 }
