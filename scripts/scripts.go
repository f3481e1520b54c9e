// Package scripts embeds the scripts that envrun runs itself, so that the
// committed scripts and what the binary does are one and the same.
package scripts

import (
	"embed"
	"os"
	"path/filepath"
	"strings"
)

//go:embed build-box.sh box-configure.sh box-packages build-libvirt-box.sh box-configure-libvirt.sh
var box embed.FS

// kit is every file of the box scripts.
var kit = []string{"build-box.sh", "box-configure.sh", "box-packages", "build-libvirt-box.sh", "box-configure-libvirt.sh"}

// WriteBoxKit writes build-box.sh and the files it reads into dir and
// returns the path of build-box.sh.
func WriteBoxKit(dir string) (string, error) {
	return writeKit(dir, "build-box.sh")
}

// WriteLibvirtBoxKit writes build-libvirt-box.sh and the files it reads
// into dir and returns the path of build-libvirt-box.sh.
func WriteLibvirtBoxKit(dir string) (string, error) {
	return writeKit(dir, "build-libvirt-box.sh")
}

func writeKit(dir, main string) (string, error) {
	for _, name := range kit {
		data, err := box.ReadFile(name)
		if err != nil {
			return "", err
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o755); err != nil {
			return "", err
		}
	}
	return filepath.Join(dir, main), nil
}

// BoxPackages lists the Debian packages every box has.
func BoxPackages() []string {
	data, _ := box.ReadFile("box-packages")
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// BoxConfigure is the script that configures a box's root filesystem.
func BoxConfigure() []byte {
	data, _ := box.ReadFile("box-configure.sh")
	return data
}
