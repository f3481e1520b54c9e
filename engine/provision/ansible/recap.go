package ansible

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// HostFailure is why one host failed in a run.
type HostFailure struct {
	Host        string
	Task        string // the task it failed at, "" when unknown
	Msg         string // Ansible's message, one line
	Unreachable bool
}

func (f HostFailure) String() string {
	what := "failed"
	if f.Unreachable {
		what = "unreachable"
	}
	s := f.Host + ": " + what
	if f.Task != "" {
		s += fmt.Sprintf(" at task %q", f.Task)
	}
	if f.Msg != "" {
		s += ": " + f.Msg
	}
	return s
}

// Stats is one line of the PLAY RECAP.
type Stats struct {
	Host                                                        string
	OK, Changed, Unreachable, Failed, Skipped, Rescued, Ignored int
}

// Output reads ansible-playbook's output (the default callback's, as the
// yaml and debug callbacks also print it) as it streams by: the task each
// host failed at, the PLAY RECAP, an ERROR! line, and the last lines.
// It is an io.Writer, safe for concurrent use.
type Output struct {
	mu       sync.Mutex
	partial  []byte
	task     string
	json     *pendingJSON // a multi-line result being read (-vvv)
	failures []HostFailure
	inRecap  bool
	recap    []Stats
	errLine  string
	tail     []string
}

type pendingJSON struct {
	failure int // index in failures
	lines   []string
}

const tailLines = 15

var (
	ansiRE   = regexp.MustCompile(`\x1b\[[0-9;]*[A-Za-z]`)
	headerRE = regexp.MustCompile(`^(PLAY|TASK|RUNNING HANDLER) \[(.*)\] \*+$`)
	failRE   = regexp.MustCompile(`^(?:fatal|failed): \[([^\]]+?)(?: -> [^\]]*)?\](?:: (FAILED|UNREACHABLE)!| \(item=.*\))(?: => (.*))?$`)
	recapRE  = regexp.MustCompile(`^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)(?:\s+skipped=(\d+))?(?:\s+rescued=(\d+))?(?:\s+ignored=(\d+))?`)
)

func (o *Output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.partial = append(o.partial, p...)
	for {
		i := bytes.IndexByte(o.partial, '\n')
		if i < 0 {
			break
		}
		o.line(string(o.partial[:i]))
		o.partial = o.partial[i+1:]
	}
	return len(p), nil
}

func (o *Output) line(raw string) {
	l := strings.TrimRight(ansiRE.ReplaceAllString(raw, ""), " \r")
	if strings.TrimSpace(l) != "" {
		o.tail = append(o.tail, l)
		if len(o.tail) > tailLines {
			o.tail = o.tail[1:]
		}
	}
	if o.json != nil {
		o.json.lines = append(o.json.lines, l)
		if l == "}" {
			o.failures[o.json.failure].Msg = resultMsg(strings.Join(o.json.lines, "\n"))
			o.json = nil
		}
		return
	}
	if m := headerRE.FindStringSubmatch(l); m != nil {
		if m[1] != "PLAY" {
			o.task = m[2]
		}
		o.inRecap = false
		return
	}
	if strings.HasPrefix(l, "PLAY RECAP ") {
		o.inRecap = true
		return
	}
	if o.inRecap {
		if m := recapRE.FindStringSubmatch(l); m != nil {
			n := func(i int) int { v, _ := strconv.Atoi(m[i]); return v }
			o.recap = append(o.recap, Stats{Host: m[1], OK: n(2), Changed: n(3), Unreachable: n(4), Failed: n(5), Skipped: n(6), Rescued: n(7), Ignored: n(8)})
		}
		return
	}
	if m := failRE.FindStringSubmatch(l); m != nil {
		f := HostFailure{Host: m[1], Task: o.task, Unreachable: m[2] == "UNREACHABLE"}
		o.failures = append(o.failures, f)
		if res := strings.TrimSpace(m[3]); res == "{" {
			o.json = &pendingJSON{failure: len(o.failures) - 1, lines: []string{res}}
		} else if res != "" {
			o.failures[len(o.failures)-1].Msg = resultMsg(res)
		}
		return
	}
	if strings.TrimSpace(l) == "...ignoring" && len(o.failures) > 0 {
		o.failures = o.failures[:len(o.failures)-1]
		return
	}
	if o.errLine == "" && strings.HasPrefix(l, "ERROR! ") {
		o.errLine = l
	}
}

// resultMsg is the gist of a task result printed as JSON: its msg, with
// the last line of stderr when there is one.
func resultMsg(js string) string {
	var r struct {
		Msg          any    `json:"msg"`
		Stderr       string `json:"stderr"`
		ModuleStderr string `json:"module_stderr"`
	}
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		return shorten(js)
	}
	msg := ""
	switch m := r.Msg.(type) {
	case string:
		msg = m
	case nil:
	default:
		b, _ := json.Marshal(m)
		msg = string(b)
	}
	for _, s := range []string{r.Stderr, r.ModuleStderr} {
		if last := lastLine(s); last != "" && !strings.Contains(msg, last) {
			if msg != "" {
				msg += ": "
			}
			msg += last
			break
		}
	}
	return shorten(msg)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

func shorten(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:297] + "..."
	}
	return s
}

// Recap returns the PLAY RECAP lines seen, in order.
func (o *Output) Recap() []Stats {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]Stats(nil), o.recap...)
}

// Failures returns, per failed host, why it failed: the last failure seen
// for each host that the recap counts as failed or unreachable (rescued
// and ignored failures are not), or every host seen failing when there is
// no recap (the run was cut short).
func (o *Output) Failures() []HostFailure {
	o.mu.Lock()
	defer o.mu.Unlock()
	last := map[string]HostFailure{}
	var order []string
	for _, f := range o.failures {
		if _, seen := last[f.Host]; !seen {
			order = append(order, f.Host)
		}
		last[f.Host] = f
	}
	if len(o.recap) == 0 {
		out := make([]HostFailure, len(order))
		for i, h := range order {
			out[i] = last[h]
		}
		return out
	}
	var out []HostFailure
	for _, s := range o.recap {
		if s.Failed == 0 && s.Unreachable == 0 {
			continue
		}
		f, ok := last[s.Host]
		if !ok {
			f = HostFailure{Host: s.Host}
		}
		f.Unreachable = s.Failed == 0
		out = append(out, f)
	}
	return out
}

// ErrorLine is the first "ERROR! ..." line, or "".
func (o *Output) ErrorLine() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.errLine
}

// Tail returns the last lines of output.
func (o *Output) Tail() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.tail...)
}
