package panel

import "os"

// notifyResize: Windows sends no signal on a resize; the panel takes the
// new width at its next start.
func notifyResize(chan<- os.Signal) {}
