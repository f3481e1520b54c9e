package state

import "io/fs"

// checkPrivate: Windows keeps who may read a folder in its ACL, which Go's
// file modes do not show (every folder reads as 0777). A folder made in the
// user's profile is the user's alone; envrun does not check it further.
func checkPrivate(path string, fi fs.FileInfo) error { return nil }
