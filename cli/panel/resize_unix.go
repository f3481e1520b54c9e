//go:build unix

package panel

import (
	"os"
	"os/signal"
	"syscall"
)

// notifyResize sends on c when the terminal changes size.
func notifyResize(c chan<- os.Signal) { signal.Notify(c, syscall.SIGWINCH) }
