package sshmux

import "io/fs"

// Windows' OpenSSH has no connection sharing.
const supported = false

func ownedByMe(fs.FileInfo) bool { return false }
