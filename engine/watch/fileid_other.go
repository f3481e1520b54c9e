//go:build !unix

package watch

import "os"

// fileIDOf reports no identity: this platform's FileInfo carries none, and
// its fsnotify backend does not share one watch between two names.
func fileIDOf(os.FileInfo) (fileID, bool) { return fileID{}, false }
