// Command envrun brings up multi-machine development environments described
// in Envfile.lua, on Docker, libvirt or VirtualBox.
package main

import (
	"os"

	"github.com/envrun/envrun/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:])) }
