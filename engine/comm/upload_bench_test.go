package comm

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// benchTree writes 3,031 folders and 9,000 small files under dir.
func benchTree(b *testing.B, dir string) {
	data := make([]byte, 1000)
	for i := range 30 {
		for j := range 100 {
			d := filepath.Join(dir, fmt.Sprint(i), fmt.Sprint(j))
			os.MkdirAll(d, 0o755)
			for k := range 3 {
				os.WriteFile(filepath.Join(d, fmt.Sprint(k)), data[:100+(i*j*k)%900], 0o644)
			}
		}
	}
}

// BenchmarkUploadTreeLocal uploads the S7 tree through an SSH server on
// loopback whose guest is a local folder, next to `tar | tar` between the
// same folders: what envrun's side of an upload costs, with no network,
// container or sshd in the way.
func BenchmarkUploadTreeLocal(b *testing.B) {
	needTar(&testing.T{})
	src := b.TempDir()
	benchTree(b, src)
	guest := b.TempDir()
	c := (&localServer{dir: guest}).dial(b)
	var envrun, pipe time.Duration
	for i := 0; i < b.N; i++ {
		dst := filepath.Join(guest, fmt.Sprint("e", i))
		t0 := time.Now()
		if err := c.Upload(context.Background(), src, dst); err != nil {
			b.Fatal(err)
		}
		envrun += time.Since(t0)
		dst = filepath.Join(guest, fmt.Sprint("p", i))
		os.MkdirAll(dst, 0o755)
		t0 = time.Now()
		if out, err := exec.Command("sh", "-c", "tar -C "+src+" -cf - . | tar -xf - -C "+dst).CombinedOutput(); err != nil {
			b.Fatalf("%v %s", err, out)
		}
		pipe += time.Since(t0)
	}
	b.ReportMetric(envrun.Seconds()/float64(b.N), "envrun-s")
	b.ReportMetric(pipe.Seconds()/float64(b.N), "tar-pipe-s")
	b.ReportMetric(float64(envrun)/float64(pipe), "envrun/tar")
}
