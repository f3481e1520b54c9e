-- Written by envrun lua-defs: the globals of an Envfile, for luacheck. It rewrites this
-- file; remove these lines to keep your edits.
stds.envrun = {
  read_globals = {
    "_G",
    "_GOPHER_LUA_VERSION",
    "_VERSION",
    "ansible",
    "assert",
    "box",
    "collectgarbage",
    "defaults",
    envrun = { fields = { "defer", "dir", "envfile", "host", "json", "machine_info", "path", "provider", "read", "render", "suggest", "yaml" } },
    "error",
    "file",
    "getfenv",
    "getmetatable",
    "ipairs",
    "load",
    "loadstring",
    "machine",
    "machines",
    math = { fields = { "abs", "acos", "asin", "atan", "atan2", "ceil", "cos", "cosh", "deg", "exp", "floor", "fmod", "frexp", "huge", "ldexp", "log", "log10", "max", "min", "mod", "modf", "pi", "pow", "rad", "random", "randomseed", "sin", "sinh", "sqrt", "tan", "tanh" } },
    "network",
    "newproxy",
    "next",
    os = { fields = { "clock", "date", "difftime", "getenv", "time" } },
    "pairs",
    "pcall",
    "print",
    "provider",
    "rawequal",
    "rawget",
    "rawset",
    "require",
    "select",
    "setfenv",
    "setmetatable",
    "shell",
    string = { fields = { "byte", "char", "dump", "find", "format", "gfind", "gmatch", "gsub", "len", "lower", "match", "rep", "reverse", "sub", "upper" } },
    table = { fields = { "concat", "getn", "insert", "maxn", "remove", "sort" } },
    "tonumber",
    "tostring",
    "trigger",
    "type",
    "unpack",
    "xpcall",
  },
}
std = "envrun"
max_line_length = false
unused_args = false -- a hook's m, an envrun.defer function's machine name
-- A module's envrun-module.lua only assigns its keys.
files["**/envrun-module.lua"] = { std = "none", globals = { "description", "dependencies" } }
