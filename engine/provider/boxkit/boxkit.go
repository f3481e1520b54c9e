// Package boxkit embeds the box kit: the scripts that make envrun's Debian
// boxes (build-box.sh for Docker, build-libvirt-box.sh for libvirt, and
// what they share), so that what a user runs by hand (scripts/build-box.sh
// runs the file here) and what a provider runs when a box is missing are one
// and the same.
package boxkit

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/envrun/envrun/engine/proc"
	"github.com/envrun/envrun/internal/tail"
)

//go:embed build-box.sh box-configure.sh box-packages build-libvirt-box.sh box-configure-libvirt.sh
var box embed.FS

// kit is every file of the box scripts.
var kit = []string{"build-box.sh", "box-configure.sh", "box-packages", "build-libvirt-box.sh", "box-configure-libvirt.sh"}

// RunKit writes the box scripts into dir and runs main with args, its
// output going to out. A failure reports the script's exit status and the
// last lines it wrote on stderr. The child ends with ctx (engine/proc).
func RunKit(ctx context.Context, dir, main string, args []string, out io.Writer) error {
	path, err := writeKit(dir, main)
	if err != nil {
		return err
	}
	cmd := proc.Command(ctx, "/bin/sh", append([]string{path}, args...)...)
	var errTail bytes.Buffer
	cmd.Stdout = out
	cmd.Stderr = io.MultiWriter(out, &errTail)
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s (%v): %s", main, err, tail.Lines(errTail.String(), 5))
	}
	return nil
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
