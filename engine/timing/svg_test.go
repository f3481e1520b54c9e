package timing

import (
	"bytes"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"
)

func sampleRun() *Run {
	s := time.Second
	return &Run{Command: "envrun up", Elapsed: 9 * s, Nodes: []Node{
		{ID: "network:n", Kind: "network", Status: "ok", Duration: s / 2},
		{ID: "machine:a", Kind: "machine", Status: "ok", Start: s / 2, Duration: 2 * s, Deps: []string{"network:n"},
			Phases: []Span{{Name: "create", Start: s / 2, Duration: s / 2}, {Name: "start", Start: s, Duration: s / 2}, {Name: "SSH wait", Start: 3 * s / 2, Duration: s}}},
		{ID: "a/setup", Kind: "step", Step: "shell", Status: "ok", Start: 5 * s / 2, Duration: s, Deps: []string{"machine:a"}},
		{ID: "machine:b", Kind: "machine", Status: "ok", Start: s / 2, Duration: s, Deps: []string{"network:n"}},
		{ID: "b/files", Kind: "step", Step: "file", Status: "ok", Start: 3 * s / 2, Duration: s / 4, Deps: []string{"machine:b"}},
		{ID: "ansible:site", Kind: "global", Step: "ansible", Status: "failed", Start: 7 * s / 2, Duration: 4 * s, Deps: []string{"a/setup", "b/files"}},
	}}
}

func TestCriticalPath(t *testing.T) {
	got := strings.Join(sampleRun().CriticalPath(), " ")
	if want := "network:n machine:a a/setup ansible:site"; got != want {
		t.Errorf("critical path %q, want %q", got, want)
	}
}

// The SVG parses as XML, has one row per node, bars as wide as their
// durations (one scale for all), and marks the critical path.
func TestWriteSVG(t *testing.T) {
	run := sampleRun()
	var b bytes.Buffer
	if err := run.WriteSVG(&b); err != nil {
		t.Fatal(err)
	}
	type bar struct {
		id, critical string
		width        float64
		durMS        int64
	}
	var bars []bar
	dec := xml.NewDecoder(&b)
	var cur *bar
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not XML: %v", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		attr := map[string]string{}
		for _, a := range se.Attr {
			attr[a.Name.Local] = a.Value
		}
		switch {
		case se.Name.Local == "g" && attr["class"] == "row":
			d, _ := strconv.ParseInt(attr["data-duration-ms"], 10, 64)
			bars = append(bars, bar{id: attr["data-id"], critical: attr["data-critical"], durMS: d})
			cur = &bars[len(bars)-1]
		case se.Name.Local == "rect" && attr["class"] == "bar":
			cur.width, _ = strconv.ParseFloat(attr["width"], 64)
		}
	}
	if len(bars) != len(run.Nodes) {
		t.Fatalf("%d rows, want %d", len(bars), len(run.Nodes))
	}
	pxPerMS := bars[0].width / float64(bars[0].durMS)
	for i, b := range bars {
		if b.id != run.Nodes[i].ID || b.durMS != run.Nodes[i].Duration.Milliseconds() {
			t.Errorf("row %d: %s %dms, want %s %dms", i, b.id, b.durMS, run.Nodes[i].ID, run.Nodes[i].Duration.Milliseconds())
		}
		if want := float64(b.durMS) * pxPerMS; b.width < want-0.05 || b.width > want+0.05 {
			t.Errorf("%s: bar %.2fpx wide, want %.2fpx for %dms", b.id, b.width, want, b.durMS)
		}
		if crit := b.critical == "true"; crit != (b.id != "machine:b" && b.id != "b/files") {
			t.Errorf("%s: critical %v", b.id, crit)
		}
	}
}

func TestWriteTable(t *testing.T) {
	var b strings.Builder
	sampleRun().WriteTable(&b, func(s string) string { return "<" + s + ">" })
	for _, want := range []string{
		"\ntimings:                                     start      took\n",
		"  machine:a                                +0.500s    2.000s\n    <create 0.500s, start 0.500s, SSH wait 1.000s>\n",
		"  ansible:site                             +3.500s    4.000s\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("no %q in\n%s", want, b.String())
		}
	}
}
