// Package ansibletest helps tests that run the real Ansible.
package ansibletest

import (
	"os"
	"os/exec"
	"testing"
)

// Require skips the test when ansible-playbook is not installed, except on
// CI (CI=true), where its absence fails the test: .ci/run installs it.
func Require(t testing.TB) {
	t.Helper()
	for _, p := range []string{"ansible-playbook", "ansible", "ssh"} {
		if _, err := exec.LookPath(p); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is required on CI (apt-get install ansible openssh-client): %v", p, err)
			}
			t.Skipf("%s is not installed here: %v", p, err)
		}
	}
}
