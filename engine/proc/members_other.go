//go:build !linux

package proc

import "errors"

// Members lists the live processes of process group pgid; it reads /proc,
// so outside Linux it has nothing to read.
func Members(pgid int) ([]int, error) {
	return nil, errors.ErrUnsupported
}
