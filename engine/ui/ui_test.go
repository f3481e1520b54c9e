package ui

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestSecretsAreMasked(t *testing.T) {
	var b bytes.Buffer
	u := New(&b, Verbose)
	u.SetSecrets([]string{"hunter2-token", "ab", ""})
	u.Infof("web", "token is hunter2-token")
	u.Debugf("web", "debug hunter2-token")
	u.Errorf("web", "%v", errors.New("failed: hunter2-token"))
	w := u.Writer("web", Normal)
	w.Write([]byte("split hunter2-"))
	w.Write([]byte("token across writes\nab stays\n"))
	w.Close()
	u.Printf("summary hunter2-token\n")
	out := b.String()
	if strings.Contains(out, "hunter2") {
		t.Errorf("a secret was printed:\n%s", out)
	}
	if strings.Count(out, Mask) != 5 {
		t.Errorf("want 5 masks:\n%s", out)
	}
	if !strings.Contains(out, "ab stays") {
		t.Errorf("a 2-character value was masked:\n%s", out)
	}
}
