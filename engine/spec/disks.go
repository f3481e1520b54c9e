package spec

import (
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/envrun/envrun/internal/suggest"
)

// Disk is an extra disk of a VM (`disks = { { size = 10 } }` in a
// libvirt or virtualbox table): empty, attached after the machine's own.
type Disk struct {
	Size int // GiB
}

// MaxDisks bounds a machine's extra disks (virtio names vdb to vdz).
const MaxDisks = 20

// DecodeDisks reads a provider table's disks list, as Options.Decode
// leaves it: a list of the schema's disk tables. Their keys, the size's
// range and its unit are the schema's (the loader checked the keys and
// types of a loaded Envfile's already; this checks any list).
func DecodeDisks(list []any) ([]Disk, error) {
	if len(list) > MaxDisks {
		return nil, fmt.Errorf("%d disks: at most %d", len(list), MaxDisks)
	}
	t := EnvfileSchema.Table("disk")
	size := t.Key("size")
	out := make([]Disk, len(list))
	for i, v := range list {
		item, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("item %d: expected a table like { %s }, got %s", i+1, size.Example, TypeName(v))
		}
		for _, k := range slices.Sorted(maps.Keys(item)) {
			if t.Key(k) == nil {
				return nil, fmt.Errorf("item %d: unknown key %q%s", i+1, k, suggest.DidYouMean(k, t.KeyNames()))
			}
		}
		v, given := item[size.Name]
		if !given {
			return nil, fmt.Errorf("item %d: %s is missing (like %s)", i+1, size.Name, size.Example)
		}
		n, ok := v.(float64)
		if !ok || n != math.Trunc(n) {
			return nil, fmt.Errorf("item %d: %s: expected a whole number of %s, got %v", i+1, size.Name, size.Unit, v)
		}
		if why := size.Range.Check(n, size.Unit, ""); why != "" {
			return nil, fmt.Errorf("item %d: %s %s", i+1, size.Name, why)
		}
		out[i] = Disk{Size: int(n)}
	}
	return out, nil
}
