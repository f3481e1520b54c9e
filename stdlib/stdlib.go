// Package stdlib is envrun's standard library of Lua modules, embedded in
// the binary and loaded with require "envrun.NAME".
package stdlib

import "embed"

// FS holds the modules, one NAME.lua per module.
//
//go:embed *.lua
var FS embed.FS
