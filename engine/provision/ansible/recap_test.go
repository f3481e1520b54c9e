package ansible

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestOutputFailures(t *testing.T) {
	tests := []struct {
		name  string
		file  string // under testdata/, real ansible-playbook output
		chunk int    // write in pieces of this size, to cross line ends
		want  []HostFailure
		recap int
	}{
		{
			// An ignored failure, a rescued one and a loop item that failed
			// on machine1; machine2 unreachable.
			name: "default callback", file: "recap-unreachable.txt", chunk: 7,
			want: []HostFailure{
				{Host: "machine1", Task: "Loop with a failing item", Msg: "non-zero return code"},
				{Host: "machine2", Task: "Ignored failure", Unreachable: true,
					Msg: "Failed to connect to the host via ssh: ssh: connect to host 172.31.30.21 port 2999: Connection refused"},
			},
			recap: 2,
		},
		{
			// -vvv prints each result as indented JSON over many lines.
			name: "verbose", file: "recap-vvv.txt", chunk: 4096,
			want: []HostFailure{
				{Host: "machine1", Task: "Loop with a failing item", Msg: "non-zero return code"},
				{Host: "machine2", Task: "Never reached on machine1", Msg: "non-zero return code: oops"},
			},
			recap: 2,
		},
		{
			name: "colour and a cut-short run", chunk: 1,
			file: "", // inline below
			want: []HostFailure{{Host: "web", Task: "install", Msg: "No package matching 'nosuch' is available"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var data []byte
			if tt.file != "" {
				var err error
				if data, err = os.ReadFile(filepath.Join("testdata", tt.file)); err != nil {
					t.Fatal(err)
				}
			} else {
				data = []byte("\x1b[0;32mTASK [install] ****\x1b[0m\n" +
					"\x1b[0;31mfatal: [web -> localhost]: FAILED! => {\"changed\": false, \"msg\": \"No package matching 'nosuch' is available\"}\x1b[0m\n")
			}
			o := &Output{}
			for len(data) > 0 {
				n := min(tt.chunk, len(data))
				o.Write(data[:n])
				data = data[n:]
			}
			if got := o.Failures(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("failures:\n got %+v\nwant %+v", got, tt.want)
			}
			if got := len(o.Recap()); got != tt.recap {
				t.Errorf("recap has %d hosts, want %d", got, tt.recap)
			}
		})
	}
}

func TestOutputErrorLineAndTail(t *testing.T) {
	o := &Output{}
	o.Write([]byte("[WARNING]: something\nERROR! the playbook: nosuch.yml could not be found\n"))
	if got, want := o.ErrorLine(), "ERROR! the playbook: nosuch.yml could not be found"; got != want {
		t.Errorf("ErrorLine() = %q, want %q", got, want)
	}
	for i := range 40 {
		o.Write([]byte(strings.Repeat("x", i) + "\n"))
	}
	tail := o.Tail()
	if len(tail) != tailLines || tail[len(tail)-1] != strings.Repeat("x", 39) {
		t.Errorf("Tail() = %q, want the last %d lines", tail, tailLines)
	}
}

func TestFailureError(t *testing.T) {
	tests := []struct {
		name string
		f    Failure
		want string
	}{
		{"hosts", Failure{Program: "ansible-playbook", Status: 2,
			Hosts: []HostFailure{{Host: "m1", Task: "Greet", Msg: "boom"}, {Host: "m2", Task: "Gathering Facts", Unreachable: true}},
			Recap: make([]Stats, 3)},
			`ansible-playbook failed on 2 of 3 host(s) (exit status 2): m1: failed at task "Greet": boom; m2: unreachable at task "Gathering Facts"`},
		{"error line", Failure{Program: "ansible-playbook", Status: 1, ErrorLine: "ERROR! the playbook: x.yml could not be found"},
			"ansible-playbook: ERROR! the playbook: x.yml could not be found (exit status 1)"},
		{"tail", Failure{Program: "ansible-galaxy", Status: 1, Tail: []string{"a", "b"}},
			"ansible-galaxy failed (exit status 1); its output ended with:\n    a\n    b"},
		{"killed", Failure{Program: "ansible-playbook", Status: -1}, "ansible-playbook failed (killed)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.f.Error(); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}
