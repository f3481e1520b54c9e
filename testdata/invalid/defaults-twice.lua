-- want: Envfile.lua:4: defaults: given twice (first at Envfile.lua:3): give every default in one defaults { }
box "debian/bookworm"
defaults { memory = 256 }
defaults { cpus = 1 }
machine "web" {}
