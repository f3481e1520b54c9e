-- want: Envfile.lua:3: module "helpers" not found; looked in:
box "debian/bookworm"
local helpers = require "helpers"
