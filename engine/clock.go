package engine

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/envrun/envrun/engine/comm"
	"github.com/envrun/envrun/internal/shquote"
)

// clockScript sets the machine's clock to the host's ($1, seconds since
// the epoch) when they are more than 2 s apart, and prints by how many
// seconds the machine's was ahead (negative: behind) when it did. POSIX
// sh; as root, or through sudo.
const clockScript = `d=$(( $(date +%s) - $1 )); [ "$d" -ge -2 ] && [ "$d" -le 2 ] && exit 0
if [ "$(id -u)" = 0 ]; then date -u -s "@$1"; else sudo -n date -u -s "@$1"; fi >/dev/null || exit 1
echo "$d"`

// syncClock sets a VM's clock to the host's after it woke from a snapshot
// or a saved state with the clock it had then (minutes or days behind:
// builds see files from the future, certificates look expired) when the
// provider's machines keep a clock of their own. A machine it cannot set
// is warned about, not failed: what the user asked for is done.
func (e *Env) syncClock(ctx context.Context, name string, c Conn) {
	if !e.Driver.OwnClock {
		return
	}
	var out strings.Builder
	cmd := fmt.Sprintf("sh -c %s envrun-clock %d", shquote.Quote(clockScript), time.Now().Unix())
	if err := c.Run(ctx, comm.Cmd{Command: cmd, Label: "set the clock", Stdout: &out}); err != nil {
		e.UI.Warnf(name, "its clock may be off (it woke from a saved state) and could not be set to the host's: %v", err)
		return
	}
	if d, err := strconv.Atoi(strings.TrimSpace(out.String())); err == nil {
		what := "behind"
		if d > 0 {
			what = "ahead of"
		}
		e.UI.Infof(name, "its clock was %s %s the host's: set to the host's", time.Duration(max(d, -d))*time.Second, what)
	}
}
