-- want: Envfile.lua:5: shell: run: unknown value "allways" (did you mean "always"?) (known: once, always, never)
box "debian/bookworm"
machine "a" {
  provision = {
    shell { inline = "date", run = "allways" },
  },
}
