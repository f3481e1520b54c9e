-- want: Envfile.lua:2: machine "m": box_url "ftp://boxes.example.com/a.box" is not an http(s) URL
machine "m" { box = "acme/a", box_url = "ftp://boxes.example.com/a.box" }
