package cli

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestExitCode(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want int
	}{
		{"cobra's argument count", errors.New("accepts 1 arg(s), received 2"), ExitBadInput},
		{"cobra's minimum", errors.New("requires at least 1 arg(s), only received 0"), ExitBadInput},
		{"pflag's missing value", errors.New("flag needs an argument: --file"), ExitBadInput},
		{"a failed step that says accepts", reported{fmt.Errorf(`Envfile.lua:7: shell step "wait": command "wait until something accepts TCP connections" failed: exit status 1`)}, ExitFailed},
		{"a failed step that says invalid argument", errors.New("mount: invalid argument"), ExitFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := exitCode(context.Background(), tc.err); got != tc.want {
				t.Errorf("exitCode(%q) = %d, want %d", tc.err, got, tc.want)
			}
		})
	}
}
