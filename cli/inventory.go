package cli

import (
	"bytes"
	"io"
	"os"
	"time"

	"github.com/envrun/envrun/engine/provision/ansible"
)

// pipeDrainWait bounds how long writeInventory waits for a pipe's reader
// to take the first line.
const pipeDrainWait = 3 * time.Second

// writeInventory writes an inventory to w. When w is a pipe, as in
// `ansible -i <(envrun inventory)`, it writes the first line alone and the
// rest once the reader has taken it: Ansible's script inventory plugin
// opens the pipe first and reads it (a buffered read that would take all
// there is) only to look for "#!", and the yaml plugin, which opens it
// next, must still find the inventory there. The first line is a comment
// that can be lost.
func writeInventory(w io.Writer, data []byte) error {
	f, ok := w.(*os.File)
	first, rest, cut := bytes.Cut(data, []byte("\n"))
	if !ok || !cut || string(first) != ansible.FirstLine || !isPipe(f) {
		_, err := w.Write(data)
		return err
	}
	if _, err := f.Write(append(first, '\n')); err != nil {
		return err
	}
	for deadline := time.Now().Add(pipeDrainWait); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		n, err := pipeUnread(f)
		if err != nil || n == 0 {
			break
		}
	}
	_, err := f.Write(rest)
	return err
}

func isPipe(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeNamedPipe != 0
}
