package spec

import (
	"strings"
	"testing"
)

func TestCheckPlaybookArg(t *testing.T) {
	for arg, want := range map[string]string{
		"--diff":                "",
		"--check":               "",
		"--start-at-task=x":     "",
		"-D":                    "",
		"site.yml":              "is not an option",
		"--":                    "is not an option",
		"-i":                    "use inventory_path",
		"--inventory=hosts":     "use inventory_path",
		"-e":                    "use extra_vars",
		"-vvv":                  "use verbose = 3",
		"--private-key=/k":      "use envrun's key",
		"-bK":                   "holds -b",
		"--ssh-common-args=-oX": "envrun's SSH connection",
	} {
		err := CheckPlaybookArg(arg)
		if (err == nil) != (want == "") || (err != nil && !strings.Contains(err.Error(), want)) {
			t.Errorf("%q: %v, want %q", arg, err, want)
		}
	}
}
