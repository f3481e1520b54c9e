package watch

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"

	"github.com/fsnotify/fsnotify"
)

// LimitError is a kernel limit on file watching that was reached, with the
// setting that raises it.
type LimitError struct {
	Err     error
	What    string // what ran out, for people
	Sysctl  string // the setting that raises the limit
	Current string // its value now, "" when unknown
	Advised string // a value that is enough for large trees
}

func (e *LimitError) Error() string {
	cur := ""
	if e.Current != "" {
		cur = fmt.Sprintf(" (%s = %s)", e.Sysctl, e.Current)
	}
	return fmt.Sprintf("%s%s: %v\n"+
		"\traise it with `sudo sysctl %s=%s` (and in /etc/sysctl.d/ to keep it after a reboot),\n"+
		"\tor list big folders the steps do not use in %s",
		e.What, cur, e.Err, e.Sysctl, e.Advised, IgnoreFile)
}

func (e *LimitError) Unwrap() error { return e.Err }

// procSys is where Linux shows sysctl values; tests point it elsewhere.
var procSys = "/proc/sys"

// explainLimit turns the errors of an exhausted inotify limit into a
// *LimitError that says how to raise it; other errors pass unchanged.
//
//   - ENOSPC from adding a watch: fs.inotify.max_user_watches.
//   - EMFILE from making a watcher: fs.inotify.max_user_instances.
//   - an event queue overflow: fs.inotify.max_queued_events.
func explainLimit(err error) error {
	var le *LimitError
	switch {
	case err == nil || errors.As(err, &le):
		return err
	case errors.Is(err, syscall.ENOSPC):
		le = &LimitError{What: "too many folders to watch: the inotify watch limit is reached", Sysctl: "fs.inotify.max_user_watches", Advised: "524288"}
	case errors.Is(err, syscall.EMFILE):
		le = &LimitError{What: "too many inotify instances", Sysctl: "fs.inotify.max_user_instances", Advised: "512"}
	case errors.Is(err, fsnotify.ErrEventOverflow):
		le = &LimitError{What: "file changes came faster than they were read and some were lost", Sysctl: "fs.inotify.max_queued_events", Advised: "65536"}
	default:
		return err
	}
	le.Err = err
	if data, err := os.ReadFile(procSys + "/" + strings.ReplaceAll(le.Sysctl, ".", "/")); err == nil {
		le.Current = strings.TrimSpace(string(data))
	}
	return le
}
