//go:build linux

package runtime

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

// Benchmarks of the uring backend against interp and direct x/sys/unix
// calls, named Name/params/via=X for benchstat's column view:
//
//	go test -run '^$' -bench Uring -count 6 ./runtime/ > uring.out
//	go run golang.org/x/perf/cmd/benchstat@latest -col /via uring.out
//
// Each also reports cpu-ns/op (user+system CPU time of the process per
// op): on a shared machine wall time includes waiting for a CPU, and
// io_uring may do work on io-wq kernel threads, which this counts too.

func uringBenchLoop(b *testing.B, f func() error) {
	b.Helper()
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		if err := f(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

func cpuTime() int64 {
	var ru unix.Rusage
	if unix.Getrusage(unix.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return unix.TimevalToNsec(ru.Utime) + unix.TimevalToNsec(ru.Stime)
}

// BenchmarkUringOpenReadClose: openat → read($0) → close($0) of a 4 KiB
// file. Each reference ends a segment, so uring makes three
// io_uring_enter calls where interp makes three syscalls; fs=shm is tmpfs,
// where io_uring punts reads to io-wq workers.
func BenchmarkUringOpenReadClose(b *testing.B) {
	needUring(b)
	dirs := []struct{ name, dir string }{{"tmp", b.TempDir()}}
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		d, err := os.MkdirTemp("/dev/shm", "syschain-bench")
		if err == nil {
			defer os.RemoveAll(d)
			dirs = append(dirs, struct{ name, dir string }{"shm", d})
		}
	}
	for _, d := range dirs {
		path := filepath.Join(d.dir, "f")
		if err := os.WriteFile(path, make([]byte, 4096), 0o644); err != nil {
			b.Fatal(err)
		}
		buf := make([]byte, 4096)
		var c Chain
		c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		c.Syscall(unix.SYS_READ, Ret(0), buf, len(buf)).Bound(2, uint64(len(buf)))
		c.Syscall(unix.SYS_CLOSE, Ret(0))
		for _, via := range []string{"direct", "interp", "uring"} {
			b.Run("fs="+d.name+"/via="+via, func(b *testing.B) {
				var r Result
				var run func() error
				switch via {
				case "direct":
					run = func() error {
						fd, err := unix.Openat(unix.AT_FDCWD, path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
						if err != nil {
							return err
						}
						if _, err := unix.Read(fd, buf); err != nil {
							return err
						}
						return unix.Close(fd)
					}
				case "interp":
					run = func() error { return c.RunInto(Interp{}, &r) }
				default:
					run = func() error { return c.RunInto(Uring{}, &r) }
				}
				uringBenchLoop(b, run)
			})
		}
	}
}

// BenchmarkUringWrites: K independent writes of 8 bytes to /dev/null, the
// best case for io_uring: one linked submission instead of K syscalls.
func BenchmarkUringWrites(b *testing.B) {
	needUring(b)
	null, err := unix.Open("/dev/null", unix.O_WRONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer unix.Close(null)
	msg := []byte("12345678")
	for _, k := range []int{4, 16, 64} {
		var c Chain
		for i := 0; i < k; i++ {
			c.Syscall(unix.SYS_WRITE, null, msg, len(msg))
		}
		for _, via := range []string{"direct", "interp", "uring"} {
			b.Run("K="+strconv.Itoa(k)+"/via="+via, func(b *testing.B) {
				var r Result
				var run func() error
				switch via {
				case "direct":
					run = func() error {
						for i := 0; i < k; i++ {
							if _, err := unix.Write(null, msg); err != nil {
								return err
							}
						}
						return nil
					}
				case "interp":
					run = func() error { return c.RunInto(Interp{}, &r) }
				default:
					run = func() error { return c.RunInto(Uring{}, &r) }
				}
				uringBenchLoop(b, run)
			})
		}
	}
}
