package diskusage

import (
	"io"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/syschain/syschain/runtime"
)

// BenchmarkWalk: one du -s walk of a BenchTree (200 directories, 4,000
// files) per op, by method, in one process (make du-bench times whole
// processes on the full tree). The host target: interp within 5%
// of direct, and never slower than walkdir.
//
//	go test -run '^$' -bench Walk -count 6 ./examples/du/diskusage/ | benchstat -col /method -
func BenchmarkWalk(b *testing.B) {
	root := filepath.Join(b.TempDir(), "tree")
	if err := BenchTree(root, 200, 4000); err != nil {
		b.Fatal(err)
	}
	ms := []struct {
		name string
		opt  Options
	}{
		{"direct", Options{Method: Direct}},
		{"interp", Options{Method: Chains, Backend: runtime.Interp{}}},
		{"walkdir", Options{Method: WalkDir}},
	}
	if u, err := runtime.BackendByName("uring"); err == nil {
		ms = append(ms, struct {
			name string
			opt  Options
		}{"uring", Options{Method: Chains, Backend: u}})
	}
	if k, err := runtime.BackendByName("kernel"); err == nil {
		ms = append(ms, struct {
			name string
			opt  Options
		}{"kernel", Options{Method: Chains, Backend: k}})
	}
	for _, m := range ms {
		b.Run("method="+m.name, func(b *testing.B) {
			m.opt.Summarize = true
			w, err := NewWalker(m.opt)
			if err != nil {
				b.Fatal(err)
			}
			defer w.Close()
			// CPU time (user+system) per walk too: on a loaded machine it
			// is steadier than wall time.
			cpu0 := cpuTime()
			for b.Loop() {
				if ok, err := w.Run([]string{root}, io.Discard, io.Discard); !ok || err != nil {
					b.Fatalf("walk failed: %v", err)
				}
			}
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}

// cpuTime returns the process's user+system CPU time in ns.
func cpuTime() int64 {
	var ru unix.Rusage
	unix.Getrusage(unix.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}
