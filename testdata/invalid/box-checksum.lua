-- want: Envfile.lua:2: machine "m": box_download_checksum: checksum "sha256:abc": a sha256 is 64 hex digits
machine "m" { box = "acme/a", box_url = "http://127.0.0.1:1/a.box", box_download_checksum = "sha256:abc" }
