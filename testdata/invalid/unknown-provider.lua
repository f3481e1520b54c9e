-- want: Envfile.lua:2: provider: unknown provider "dokcer" (did you mean "docker"?)
provider "dokcer"
