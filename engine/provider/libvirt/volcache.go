//go:build libvirt_dlopen && cgo

package libvirt

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"github.com/envrun/envrun/engine/state"
	"github.com/envrun/envrun/internal/safefile"
	"libvirt.org/go/libvirtxml"
)

// A no-op `up` reads each box's metadata volume for the drift check. The
// only way to read a volume is a download stream, and over an SSH forward
// (a qemu+ssh:// libvirt) the stream's first packet waits out the delayed
// ACK of the packet before it (Nagle's algorithm on the host's sshd, which
// sets TCP_NODELAY only for sessions with a terminal): 42 ms of a 70 ms
// no-op `up` measured here, up to 200 ms where the client delays its ACKs
// longer. So what was read is kept in the user's cache beside the
// volume's stamp (its path, size and times, which libvirt reports in one
// call), and read again only when the stamp changes.

// stampOf is the stamp of a volume from its definition: "" when libvirt
// gives no times for it (a pool that is not a folder), which is never
// cached.
func stampOf(volXML string) (string, error) {
	var v libvirtxml.StorageVolume
	if err := v.Unmarshal(volXML); err != nil {
		return "", err
	}
	t := v.Target
	if t == nil || t.Timestamps == nil || t.Timestamps.Mtime == "" || t.Timestamps.Ctime == "" {
		return "", nil
	}
	size := ""
	if v.Capacity != nil {
		size = fmt.Sprint(v.Capacity.Value)
	}
	return fmt.Sprintf("%s %s %s %s", v.Key, size, t.Timestamps.Mtime, t.Timestamps.Ctime), nil
}

// cachedReads is r whose volume reads come from the user's cache while
// the volume's stamp is the one they were read at.
type cachedReads struct {
	reads
	uri string
}

func (c cachedReads) readVolume(name string, limit int) ([]byte, error) {
	stamp, err := c.volumeStamp(name)
	if err != nil || stamp == "" {
		return c.reads.readVolume(name, limit)
	}
	file := volumeCacheFile(c.uri, name)
	head := []byte(stamp + "\n")
	if kept, err := os.ReadFile(file); err == nil && bytes.HasPrefix(kept, head) && len(kept)-len(head) <= limit {
		return kept[len(head):], nil
	}
	data, err := c.reads.readVolume(name, limit)
	if err == nil && file != "" {
		// A cache that cannot be written is only a miss next time.
		if os.MkdirAll(filepath.Dir(file), 0o700) == nil {
			safefile.WriteFile(file, append(head, data...), 0o600)
		}
	}
	return data, err
}

// volumeCacheFile is where volume name of the libvirt at uri is kept; ""
// when the user has no cache folder.
func volumeCacheFile(uri, name string) string {
	dir, err := state.UserCacheDir()
	if err != nil {
		return ""
	}
	sum := sha256.Sum256([]byte(uri + "\x00" + name))
	return filepath.Join(dir, "libvirt-volumes", hex.EncodeToString(sum[:16]))
}
