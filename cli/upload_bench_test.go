package cli_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The trees of the upload benchmarks (S7, S8 in scripts/bench): 3,031
// folders (the top, 30 folders of 100) and 9,000 small files (3 in each
// of the 3,000 folders below), 100 to 2,000 bytes each.
const (
	benchTops, benchSubs, benchFilesPer = 30, 100, 3
)

// makeBenchTree writes the benchmark tree under dir and returns its files.
func makeBenchTree(tb testing.TB, dir string) []string {
	tb.Helper()
	r := rand.New(rand.NewPCG(7, 7))
	var files []string
	buf := make([]byte, 2000)
	for i := range benchTops {
		for j := range benchSubs {
			d := filepath.Join(dir, fmt.Sprintf("pkg%02d", i), fmt.Sprintf("mod%03d", j))
			if err := os.MkdirAll(d, 0o755); err != nil {
				tb.Fatal(err)
			}
			for k := range benchFilesPer {
				for n := range buf {
					buf[n] = 'a' + byte(r.IntN(26))
				}
				f := filepath.Join(d, fmt.Sprintf("file%d.txt", k))
				if err := os.WriteFile(f, buf[:100+r.IntN(1900)], 0o644); err != nil {
					tb.Fatal(err)
				}
				files = append(files, f)
			}
		}
	}
	return files
}

// uploadBenchEnvfile is one machine whose file step uploads tree/, in
// 172.26.NET.0/24 (S7: 2, S8: 3, so both can run at once).
const uploadBenchEnvfile = `box "debian/bookworm"
network "u-bnet" { subnet = "172.26.NET.0/24", gateway = "172.26.NET.1" }
machine "u-bench" {
  networks = { ["u-bnet"] = "172.26.NET.10" },
  provision = { file { name = "tree", source = "tree", destination = "/home/vagrant/tree" } },
}
`

// benchLoads are the loads each upload benchmark runs under, in one run:
// as the machine is, and with two CPU hogs (`yes >/dev/null`, one per
// core) running.
var benchLoads = []struct {
	name string
	hogs int
}{{"quiet", 0}, {"loaded", 2}}

// hog starts n `yes >/dev/null` and returns what stops them.
func hog(tb testing.TB, n int) func() {
	var procs []*exec.Cmd
	for range n {
		c := exec.Command("yes")
		if err := c.Start(); err != nil {
			tb.Fatal(err)
		}
		procs = append(procs, c)
	}
	stop := func() {
		for _, c := range procs {
			c.Process.Kill()
			c.Wait()
		}
		procs = nil
	}
	tb.Cleanup(stop)
	return stop
}

func loadavg() string {
	data, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// benchWorld brings the upload benchmark's machine up (without running
// its step) and writes an ssh-config for OpenSSH and rsync.
func benchWorld(b *testing.B, net int) (wd *world, tree string, files []string, sshConfig string) {
	needTools(b, "rsync", "ssh", "tar")
	wd = newWorld(b, strings.ReplaceAll(uploadBenchEnvfile, "NET", fmt.Sprint(net)))
	tree = filepath.Join(wd.dir, "tree")
	files = makeBenchTree(b, tree)
	wd.mustRun("up", "--no-provision")
	r := wd.mustRun("ssh-config")
	sshConfig = filepath.Join(wd.dir, "ssh-config")
	if err := os.WriteFile(sshConfig, []byte(r.stdout), 0o600); err != nil {
		b.Fatal(err)
	}
	return wd, tree, files, sshConfig
}

func needTools(tb testing.TB, tools ...string) {
	for _, t := range tools {
		if _, err := exec.LookPath(t); err != nil {
			if os.Getenv("CI") == "true" {
				tb.Fatalf("%s is missing", t)
			}
			tb.Skipf("%s is missing", t)
		}
	}
}

// timeCmd runs a shell command in dir and returns its wall time.
func timeCmd(tb testing.TB, dir, script string) time.Duration {
	tb.Helper()
	cmd := exec.Command("sh", "-c", script)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	t0 := time.Now()
	if err := cmd.Run(); err != nil {
		tb.Fatalf("%s: %v\n%s", script, err, out.String())
	}
	return time.Since(t0)
}

func medianOf(ds []time.Duration) time.Duration {
	s := slices.Sorted(slices.Values(ds))
	return s[len(s)/2]
}

// BenchmarkIntegrationUploadTree is S7: the benchmark tree uploaded to a
// real Docker machine into an empty folder, by `envrun provision` (a file
// step: process start, load, SSH, the upload), by `tar | ssh` and by
// `rsync -a` (both over OpenSSH with `envrun ssh-config`), the three back
// to back in a rotating order, 3 times, quiet and then under load.
//
//	go test ./cli -run '^$' -bench IntegrationUploadTree -benchtime 1x
func BenchmarkIntegrationUploadTree(b *testing.B) {
	wd, _, _, cfg := benchWorld(b, 2)
	// Each upload goes to an empty folder: the last ones are moved aside
	// (removing 9,000 files in a container takes longer than sending them).
	moved := 0
	wipe := func() {
		moved++
		script := fmt.Sprintf("cd /home/vagrant && mkdir -p old/%d && for d in tree tree-tar tree-rsync; do [ ! -e $d ] || mv $d old/%d/; done", moved, moved)
		if out, err := wd.exec("u-bench", "sh", "-c", script); err != nil {
			b.Fatalf("clear: %v %s", err, out)
		}
	}
	sides := []struct {
		name string
		run  func() time.Duration
	}{
		{"envrun", func() time.Duration {
			t0 := time.Now()
			wd.mustRun("provision")
			return time.Since(t0)
		}},
		{"tar-ssh", func() time.Duration {
			return timeCmd(b, wd.dir, "tar -C tree -cf - . | ssh -F ssh-config u-bench 'mkdir -p tree-tar && tar -xf - -C tree-tar'")
		}},
		{"rsync", func() time.Duration {
			return timeCmd(b, wd.dir, "rsync -a -e 'ssh -F ssh-config' tree/ u-bench:tree-rsync/")
		}},
	}
	_ = cfg
	reps := 3
	if n, err := strconv.Atoi(os.Getenv("ENVRUN_BENCH_REPS")); err == nil && n > 0 {
		reps = n // fewer on a busy machine
	}
	b.ResetTimer()
	for _, load := range benchLoads {
		stop := hog(b, load.hogs)
		times := map[string][]time.Duration{}
		before := loadavg()
		for rep := range reps {
			for i := range sides {
				s := sides[(rep+i)%len(sides)]
				wipe()
				times[s.name] = append(times[s.name], s.run())
			}
		}
		stop()
		env, tar, rs := medianOf(times["envrun"]), medianOf(times["tar-ssh"]), medianOf(times["rsync"])
		b.ReportMetric(env.Seconds(), load.name+"-envrun-s")
		b.ReportMetric(tar.Seconds(), load.name+"-tar-ssh-s")
		b.ReportMetric(rs.Seconds(), load.name+"-rsync-s")
		b.ReportMetric(float64(env)/float64(tar), load.name+"-envrun/tar")
		b.Logf("S7 %s (load %s before, %s after): envrun %.2f s, tar|ssh %.2f s, rsync %.2f s (medians of %d); envrun/tar %.2f, envrun/rsync %.2f; all: %v",
			load.name, before, loadavg(), env.Seconds(), tar.Seconds(), rs.Seconds(), reps, float64(env)/float64(tar), float64(env)/float64(rs), times)
	}
	b.ReportMetric(0, "ns/op")
}

// containerRoot is the machine's root folder as seen from the host (a
// container shares the host's kernel): the benchmarks poll files there,
// with no process started per look.
func containerRoot(tb testing.TB, w *world, machine string) string {
	out, err := exec.Command("docker", "inspect", "-f", "{{.State.Pid}}", w.project+"-"+machine).Output()
	if err != nil {
		tb.Fatal(err)
	}
	return "/proc/" + strings.TrimSpace(string(out)) + "/root"
}

// waitContent waits until file holds want, polling every millisecond.
func waitContent(tb testing.TB, file string, want []byte, timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	for {
		if got, err := os.ReadFile(file); err == nil && bytes.Equal(got, want) {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%s did not get its new content within %s", file, timeout)
		}
		time.Sleep(time.Millisecond)
	}
}

// BenchmarkIntegrationWatchSync is S8: `envrun watch` keeping the
// benchmark tree in sync on a real Docker machine. One changed file: the
// time from writing it to its new content on the machine (15 samples),
// next to an `rsync -a --delete` of the tree after one change (what
// Vagrant's rsync-auto runs). A burst of 1,000 changed files (a branch
// switch): from the first write to the last file's new content on the
// machine, next to rsync sending the same change of a copy of the tree.
// Quiet, then under load, in one run, each load with a watch of its own
// whose first change is timed apart (first-change-ms: the first of a
// session, compared with what the machine has).
//
//	go test ./cli -run '^$' -bench IntegrationWatchSync -benchtime 1x
func BenchmarkIntegrationWatchSync(b *testing.B) {
	wd, tree, files, _ := benchWorld(b, 3)
	// rsync works on a copy of its own (rtree/ → ~/rtree), outside the
	// watched folder.
	rtree := filepath.Join(wd.dir, "rtree")
	timeCmd(b, wd.dir, "cp -a tree rtree && rsync -a -e 'ssh -F ssh-config' rtree/ u-bench:rtree/")
	rfiles := make([]string, len(files))
	for i, f := range files {
		rfiles[i] = filepath.Join(rtree, strings.TrimPrefix(f, tree+"/"))
	}
	rsync := func() time.Duration {
		return timeCmd(b, wd.dir, "rsync -a --delete -e 'ssh -F ssh-config' rtree/ u-bench:rtree/")
	}
	root := containerRoot(b, wd, "u-bench")
	guest := func(f string) string {
		return filepath.Join(root, "home/vagrant/tree", strings.TrimPrefix(f, tree+"/"))
	}

	seq := 0
	change := func(f string) []byte {
		seq++
		data := fmt.Appendf(nil, "change %d of %s\n", seq, filepath.Base(f))
		if err := os.WriteFile(f, data, 0o644); err != nil {
			b.Fatal(err)
		}
		return data
	}

	const samples, bursts = 15, 3
	r := rand.New(rand.NewPCG(8, 8))
	b.ResetTimer()
	for _, load := range benchLoads {
		stop := hog(b, load.hogs)
		before := loadavg()
		// A watch of its own per load, so that its first change is the
		// first of a session: its connection has sent nothing, and
		// compares with what the machine has (the first watch's up sent
		// the tree).
		w := startWatch(b, wd, "-v")
		w.waitLine(b, 0, "watching ", 3*time.Minute)
		f := files[r.IntN(len(files))]
		m := w.mark()
		t0 := time.Now()
		waitContent(b, guest(f), change(f), 2*time.Minute)
		first := time.Since(t0)
		w.waitLine(b, m, "envrun: ok: re-ran", time.Minute)
		var one, rone, burst, rburst []time.Duration
		for range samples {
			f := files[r.IntN(len(files))]
			m := w.mark()
			t0 := time.Now()
			waitContent(b, guest(f), change(f), time.Minute)
			one = append(one, time.Since(t0))
			w.waitLine(b, m, "envrun: ok: re-ran", time.Minute) // the run is over
		}
		for range 5 {
			change(rfiles[r.IntN(len(rfiles))])
			rone = append(rone, rsync())
		}
		for range bursts {
			idx := r.Perm(len(files))[:1000]
			t0 := time.Now()
			want := make([][]byte, len(idx))
			for i, k := range idx {
				want[i] = change(files[k])
			}
			for i, k := range idx {
				waitContent(b, guest(files[k]), want[i], 2*time.Minute)
			}
			burst = append(burst, time.Since(t0))
			time.Sleep(time.Second) // let the run end
			t1 := time.Now()
			for _, k := range idx {
				change(rfiles[k])
			}
			rburst = append(rburst, time.Since(t1)+rsync())
		}
		stop()
		if code, _ := w.interrupt(b, 10*time.Second); code != 0 {
			b.Errorf("watch exit status %d", code)
		}
		b.ReportMetric(float64(first)/1e6, load.name+"-first-change-ms")
		b.ReportMetric(float64(medianOf(one))/1e6, load.name+"-one-file-ms")
		b.ReportMetric(float64(medianOf(rone))/1e6, load.name+"-rsync-one-file-ms")
		b.ReportMetric(medianOf(burst).Seconds(), load.name+"-burst-1000-s")
		b.ReportMetric(medianOf(rburst).Seconds(), load.name+"-rsync-burst-1000-s")
		b.Logf("S8 %s (load %s before, %s after): first change of a watch session %.0f ms; one file: envrun watch median %.0f ms (%v), rsync %.0f ms (%v); 1,000-file burst: envrun watch %.2f s (%v), rsync %.2f s (%v); burst ratio %.2f",
			load.name, before, loadavg(), float64(first)/1e6,
			float64(medianOf(one))/1e6, one, float64(medianOf(rone))/1e6, rone,
			medianOf(burst).Seconds(), burst, medianOf(rburst).Seconds(), rburst,
			float64(medianOf(burst))/float64(medianOf(rburst)))
	}
	b.ReportMetric(0, "ns/op")
}
