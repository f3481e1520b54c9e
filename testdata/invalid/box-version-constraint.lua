-- want: Envfile.lua:2: machine "m": box_version "about 2": malformed constraint: about 2 (write it as Vagrant does: ">= 1.0, < 2.0", "~> 1.2", "= 1.2.3")
machine "m" { box = "acme/a", box_url = "http://127.0.0.1:1/a.json", box_version = "about 2" }
