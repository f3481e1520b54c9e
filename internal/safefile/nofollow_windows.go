package safefile

import "os"

// NoFollow: Windows has no O_NOFOLLOW. Reads check for a link before they
// open (isLink); making a symbolic link there takes a privilege or
// developer mode.
const NoFollow = 0

const nonBlock = 0

// isLink reports whether path is a symbolic link, which the open (err)
// followed or would follow.
func isLink(path string, err error) bool {
	fi, lerr := os.Lstat(path)
	return lerr == nil && fi.Mode()&os.ModeSymlink != 0
}
