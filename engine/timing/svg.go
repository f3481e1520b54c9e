package timing

import (
	"fmt"
	"html"
	"io"
	"math"
	"slices"
	"strings"
	"time"
)

// The waterfall of a run (`envrun timings --svg FILE`): one row per node
// that ran (network, machine, step, global step), its bar from its start
// to its end on a time axis; a machine's bar is split into its phases,
// each phase and step kind in its colour; the bars of the critical path
// are outlined and their labels marked.

const (
	svgLabelW = 240 // the label column
	svgChartW = 640 // the bars
	svgRowH   = 22
	svgTop    = 34 // the axis labels
	svgPad    = 12
)

// Colours of phases (a machine's bar) and of step kinds.
var svgColors = map[string]string{
	"network":  "#9aa5b1",
	"machine":  "#4e79a7",
	"inspect":  "#a0cbe8",
	"image":    "#76b7b2",
	"create":   "#4e79a7",
	"keys":     "#86bcb6",
	"start":    "#9c755f",
	"SSH wait": "#bab0ac",
	// A libvirt VM's.
	"box":           "#76b7b2",
	"define":        "#4e79a7",
	"boot":          "#9c755f",
	"first contact": "#d4a6c8",
	"key swap":      "#86bcb6",
	"pin":           "#fabfd2",
	"shell":         "#59a14f",
	"file":          "#edc948",
	"ansible":       "#f28e2b",
	"lua":           "#b07aa1",
}

func svgColor(name string) string {
	if c, ok := svgColors[name]; ok {
		return c
	}
	return "#8cd17d"
}

// WriteSVG draws the run's waterfall.
func (r *Run) WriteSVG(w io.Writer) error {
	var end time.Duration
	for _, n := range r.Nodes {
		end = max(end, n.End())
	}
	step := tickStep(end)
	span := time.Duration(math.Ceil(float64(end)/float64(step))) * step
	if span <= 0 {
		span = time.Second
	}
	scale := float64(svgChartW) / float64(span) // px per ns
	x := func(d time.Duration) float64 { return svgLabelW + float64(d)*scale }
	critical := r.CriticalPath()
	onPath := func(id string) bool { return slices.Contains(critical, id) }

	legend := r.legend()
	height := svgTop + len(r.Nodes)*svgRowH + 2*svgPad + 20*((len(legend)+5)/6) + 20
	width := svgLabelW + svgChartW + 90
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n",
		width, height, width, height)
	fmt.Fprintf(&b, `<title>%s</title>`+"\n", esc(fmt.Sprintf("envrun %s: %d node(s), %.1fs", r.Command, len(r.Nodes), r.Elapsed.Seconds())))
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", width, height)
	// The time axis: a grid line and a label per tick.
	bottom := svgTop + len(r.Nodes)*svgRowH
	b.WriteString(`<g class="axis" stroke="#e0e0e0">` + "\n")
	for t := time.Duration(0); t <= span; t += step {
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d"/>`+"\n", x(t), svgTop-6, x(t), bottom)
	}
	b.WriteString("</g>\n<g class=\"ticks\" fill=\"#555\" text-anchor=\"middle\">\n")
	for t := time.Duration(0); t <= span; t += step {
		fmt.Fprintf(&b, `<text x="%.1f" y="%d">%s</text>`+"\n", x(t), svgTop-10, tickLabel(t, step))
	}
	b.WriteString("</g>\n")
	for i, n := range r.Nodes {
		y := svgTop + i*svgRowH
		crit := onPath(n.ID)
		fmt.Fprintf(&b, `<g class="row" data-id="%s" data-kind="%s" data-status="%s" data-start-ms="%d" data-duration-ms="%d" data-critical="%t">`+"\n",
			esc(n.ID), n.Kind, n.Status, n.Start.Milliseconds(), n.Duration.Milliseconds(), crit)
		if i%2 == 1 {
			fmt.Fprintf(&b, `<rect x="0" y="%d" width="%d" height="%d" fill="#f6f8fa"/>`+"\n", y, width, svgRowH)
		}
		label := n.ID
		if n.Kind == "step" {
			label = "    " + label // under its machine
		}
		weight := "normal"
		if crit {
			weight, label = "bold", label+" ◆"
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-weight="%s" xml:space="preserve">%s</text>`+"\n", svgPad, y+15, weight, esc(label))
		bw := max(float64(n.Duration)*scale, 1)
		fill := svgColor(n.Kind)
		if n.Step != "" {
			fill = svgColor(n.Step)
		}
		stroke := ""
		if crit {
			stroke = ` stroke="#222" stroke-width="2"`
		}
		if n.Status == "failed" {
			stroke = ` stroke="#d62728" stroke-width="2" stroke-dasharray="4 2"`
		}
		fmt.Fprintf(&b, `<rect class="bar" x="%.2f" y="%d" width="%.2f" height="%d" fill="%s"%s><title>%s</title></rect>`+"\n",
			x(n.Start), y+4, bw, svgRowH-8, fill, stroke, esc(fmt.Sprintf("%s: %s, %.3fs from %+.3fs", n.ID, n.Status, n.Duration.Seconds(), n.Start.Seconds())))
		for _, p := range n.Phases {
			fmt.Fprintf(&b, `<rect class="phase" x="%.2f" y="%d" width="%.2f" height="%d" fill="%s"><title>%s</title></rect>`+"\n",
				x(p.Start), y+6, max(float64(p.Duration)*scale, 0.5), svgRowH-12, svgColor(p.Name), esc(fmt.Sprintf("%s %.3fs", p.Name, p.Duration.Seconds())))
		}
		fmt.Fprintf(&b, `<text x="%.2f" y="%d" fill="#333">%.1fs</text>`+"\n", x(n.Start)+bw+4, y+15, n.Duration.Seconds())
		b.WriteString("</g>\n")
	}
	// The legend: phases and step kinds present, and the critical path.
	b.WriteString(`<g class="legend">` + "\n")
	ly := bottom + svgPad + 8
	for i, name := range legend {
		lx := svgPad + (i%6)*150
		yy := ly + (i/6)*20
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="12" height="12" fill="%s"/><text x="%d" y="%d">%s</text>`+"\n", lx, yy-10, svgColor(name), lx+16, yy, esc(name))
	}
	ly += 20 * ((len(legend) + 5) / 6)
	fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#333">◆ bold, outlined: the critical path (%d node(s)); red dashes: failed; whole command %.1fs</text>`+"\n",
		svgPad, ly, len(critical), r.Elapsed.Seconds())
	b.WriteString("</g>\n</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// legend lists the colours the run uses, in a fixed order.
func (r *Run) legend() []string {
	used := map[string]bool{}
	for _, n := range r.Nodes {
		switch {
		case n.Step != "":
			used[n.Step] = true
		default:
			used[n.Kind] = true
		}
		for _, p := range n.Phases {
			used[p.Name] = true
		}
	}
	var out []string
	for _, name := range []string{"network", "machine", "inspect", "image", "create", "keys", "start", "SSH wait", "shell", "file", "ansible", "lua"} {
		if used[name] {
			out = append(out, name)
			delete(used, name)
		}
	}
	var rest []string
	for name := range used {
		rest = append(rest, name)
	}
	slices.Sort(rest)
	return append(out, rest...)
}

// tickStep chooses 1, 2 or 5 times a power of ten so the axis has at most
// about ten ticks.
func tickStep(span time.Duration) time.Duration {
	if span <= 0 {
		return 100 * time.Millisecond
	}
	raw := float64(span) / 10
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			return time.Duration(m * p)
		}
	}
	return time.Duration(10 * p)
}

func tickLabel(t, step time.Duration) string {
	if step < time.Second {
		return fmt.Sprintf("%.1fs", t.Seconds())
	}
	return fmt.Sprintf("%.0fs", t.Seconds())
}

func esc(s string) string { return html.EscapeString(s) }
