package boxkit

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
)

// lockedBuffer is what progress writers are: safe for the two copying
// goroutines of a command, with no ReadFrom that would race a Write.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestRunKit(t *testing.T) {
	var out lockedBuffer
	err := RunKit(context.Background(), t.TempDir(), "build-box.sh", []string{"--tar"}, &out)
	if err == nil || !strings.Contains(err.Error(), "build-box.sh (exit status 2)") || !strings.Contains(err.Error(), "--tar needs a file") {
		t.Errorf("RunKit of a script that fails: %v", err)
	}
	if !strings.Contains(out.String(), "--tar needs a file") {
		t.Errorf("the script's output did not reach out: %q", out.String())
	}
}
