package spec

import "fmt"

// Disk is an extra disk of a VM (`disks = { { size = 10 } }` in a
// libvirt or virtualbox table): empty, attached after the machine's own.
type Disk struct {
	Size int // GiB
}

// MaxDisks bounds a machine's extra disks (virtio names vdb to vdz).
const MaxDisks = 20

// DecodeDisks reads a provider table's disks list, as Options.Decode
// leaves it: a list of tables with a size in GiB.
func DecodeDisks(list []any) ([]Disk, error) {
	if len(list) > MaxDisks {
		return nil, fmt.Errorf("%d disks: at most %d", len(list), MaxDisks)
	}
	out := make([]Disk, len(list))
	for i, v := range list {
		t, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("item %d: expected a table like { size = 10 }, got %s", i+1, TypeName(v))
		}
		for k := range t {
			if k != "size" {
				return nil, fmt.Errorf("item %d: unknown key %q (a disk has a size in GiB)", i+1, k)
			}
		}
		size, ok := t["size"].(float64)
		if !ok || size != float64(int(size)) || size < 1 || size > 65536 {
			return nil, fmt.Errorf("item %d: size: expected a whole number of GiB from 1 to 65536, got %v", i+1, t["size"])
		}
		out[i] = Disk{Size: int(size)}
	}
	return out, nil
}
