package runtime

import (
	"strconv"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Benchmarks are named Name/params/via=X so benchstat can put the ways
// side by side: go test -run '^$' -bench . -count 6 ./runtime/ > bench.out
// && benchstat -col /via bench.out.
//
// Besides wall time each reports cpu-ns/op, the process's user+system CPU
// time per op (getrusage): on a shared machine a benchmark's wall time
// includes the time it waits for a CPU, its CPU time does not.

// loop runs f b.N times under b.Loop and reports cpu-ns/op.
func loop(b *testing.B, f func()) {
	b.Helper()
	b.ReportAllocs()
	start := cpuNanos()
	for b.Loop() {
		f()
	}
	b.ReportMetric(float64(cpuNanos()-start)/float64(b.N), "cpu-ns/op")
}

func cpuNanos() int64 {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return unix.TimevalToNsec(ru.Utime) + unix.TimevalToNsec(ru.Stime)
}

// getppidKs are the chain lengths of the getppid benchmarks (the guest's
// comparison uses the same).
var getppidKs = []int{1, 2, 4, 8, 16, 64}

// prepare prepares c for b, or fails the benchmark.
func prepare(b *testing.B, c *Chain, on Backend) *Prepared {
	b.Helper()
	pc, err := c.Prepare(on)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { pc.Close() })
	return pc
}

// runPrepared runs pc into r, or fails the benchmark.
func runPrepared(b *testing.B, pc *Prepared, r *Result) {
	if !pc.Run(r) {
		b.Fatal(r.Err())
	}
}

// BenchmarkGetppid: K getppid calls as a chain on interp, through RunInto
// (the simple path) and prepared, each also with NoBlock steps (-raw),
// beside K direct unix.Syscall and unix.RawSyscall calls.
func BenchmarkGetppid(b *testing.B) {
	for _, k := range getppidKs {
		var c, raw Chain
		for i := 0; i < k; i++ {
			c.Syscall(unix.SYS_GETPPID)
			raw.Syscall(unix.SYS_GETPPID).NoBlock()
		}
		name := "K=" + strconv.Itoa(k)
		b.Run(name+"/via=prepared-interp", func(b *testing.B) {
			pc := prepare(b, &c, Interp{})
			var r Result
			loop(b, func() { runPrepared(b, pc, &r) })
		})
		b.Run(name+"/via=prepared-interp-raw", func(b *testing.B) {
			pc := prepare(b, &raw, Interp{})
			var r Result
			loop(b, func() { runPrepared(b, pc, &r) })
		})
		b.Run(name+"/via=interp", func(b *testing.B) {
			var r Result
			loop(b, func() {
				if err := c.RunInto(Interp{}, &r); err != nil {
					b.Fatal(err)
				}
			})
		})
		b.Run(name+"/via=interp-raw", func(b *testing.B) {
			var r Result
			loop(b, func() {
				if err := raw.RunInto(Interp{}, &r); err != nil {
					b.Fatal(err)
				}
			})
		})
		b.Run(name+"/via=direct", func(b *testing.B) {
			loop(b, func() {
				for i := 0; i < k; i++ {
					unix.Syscall(unix.SYS_GETPPID, 0, 0, 0)
				}
			})
		})
		b.Run(name+"/via=direct-raw", func(b *testing.B) {
			loop(b, func() {
				for i := 0; i < k; i++ {
					unix.RawSyscall(unix.SYS_GETPPID, 0, 0, 0)
				}
			})
		})
	}
}

// BenchmarkGetppidRatio measures the ways of BenchmarkGetppid paired:
// each iteration runs a batch of every way, in a rotating order, and
// times each batch. On a shared machine the load changes between the
// runs benchstat compares; within one iteration every way sees the same
// load, so the ratios it reports (interp/direct, raw/direct,
// directraw/direct, and for the prepared chains prepared/direct and
// preparedraw/direct: the targets) stay steady where the
// separate ns/op do not.
func BenchmarkGetppidRatio(b *testing.B) {
	for _, k := range getppidKs {
		var c, raw Chain
		for i := 0; i < k; i++ {
			c.Syscall(unix.SYS_GETPPID)
			raw.Syscall(unix.SYS_GETPPID).NoBlock()
		}
		b.Run("K="+strconv.Itoa(k), func(b *testing.B) {
			var r Result
			pc := prepare(b, &c, Interp{})
			pcRaw := prepare(b, &raw, Interp{})
			ways := [...]func(){
				func() {
					if err := c.RunInto(Interp{}, &r); err != nil {
						b.Fatal(err)
					}
				},
				func() {
					if err := raw.RunInto(Interp{}, &r); err != nil {
						b.Fatal(err)
					}
				},
				func() {
					for i := 0; i < k; i++ {
						unix.Syscall(unix.SYS_GETPPID, 0, 0, 0)
					}
				},
				func() {
					for i := 0; i < k; i++ {
						unix.RawSyscall(unix.SYS_GETPPID, 0, 0, 0)
					}
				},
				func() { runPrepared(b, pc, &r) },
				func() { runPrepared(b, pcRaw, &r) },
			}
			batch := max(1, 64/k) // about 64 syscalls per timed batch
			var total [len(ways)]time.Duration
			n := 0
			for b.Loop() {
				for j := range ways {
					w := (n + j) % len(ways)
					start := time.Now()
					for range batch {
						ways[w]()
					}
					total[w] += time.Since(start)
				}
				n++
			}
			direct := float64(total[2])
			b.ReportMetric(float64(total[0])/direct, "interp/direct")
			b.ReportMetric(float64(total[1])/direct, "raw/direct")
			b.ReportMetric(float64(total[3])/direct, "directraw/direct")
			b.ReportMetric(float64(total[4])/direct, "prepared/direct")
			b.ReportMetric(float64(total[5])/direct, "preparedraw/direct")
			b.ReportMetric(float64(total[5])/float64(total[3]), "preparedraw/directraw")
			b.ReportMetric(direct/float64(n*batch*k), "direct-ns/call")
		})
	}
}

func BenchmarkOpenReadClose(b *testing.B) {
	const path = "/proc/self/stat"
	buf := make([]byte, 4096)
	var c Chain
	c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	c.Begin(LookupSigName("read"))
	c.ArgInt(0, int64(Ret(0)))
	c.ArgBuf(1, buf)
	c.ArgLen(2, int64(len(buf)), 1)
	c.Syscall(unix.SYS_CLOSE, Ret(0))
	b.Run("via=interp", func(b *testing.B) {
		var r Result
		loop(b, func() {
			if err := c.RunInto(Interp{}, &r); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("via=prepared-interp", func(b *testing.B) {
		pc := prepare(b, &c, Interp{})
		var r Result
		loop(b, func() { runPrepared(b, pc, &r) })
	})
	b.Run("via=direct", func(b *testing.B) {
		loop(b, func() {
			fd, err := unix.Openat(unix.AT_FDCWD, path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := unix.Read(fd, buf); err != nil {
				b.Fatal(err)
			}
			unix.Close(fd)
		})
	})
}

// BenchmarkBuild4 builds and encodes a 4-step chain the way generated code
// does (Begin/Arg*) and through the raw Syscall, from scratch each time.
func BenchmarkBuild4(b *testing.B) {
	buf := make([]byte, 4096)
	openat, read, write, closeSig := LookupSigName("openat"), LookupSigName("read"), LookupSigName("write"), LookupSigName("close")
	b.Run("via=begin", func(b *testing.B) {
		loop(b, func() {
			var c Chain
			c.Begin(openat)
			c.ArgInt(0, unix.AT_FDCWD)
			c.ArgStr(1, "/etc/hostname")
			c.ArgInt(2, unix.O_RDONLY)
			c.Begin(read)
			c.ArgInt(0, int64(Ret(0)))
			c.ArgBuf(1, buf)
			c.ArgLen(2, int64(len(buf)), 1)
			c.Begin(write)
			c.ArgInt(0, 1)
			c.ArgBuf(1, buf)
			c.ArgLen(2, int64(Ret(1)), 1)
			c.Begin(closeSig)
			c.ArgInt(0, int64(Ret(0)))
			if _, err := c.Program(); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("via=syscall", func(b *testing.B) {
		loop(b, func() {
			var c Chain
			c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, "/etc/hostname", unix.O_RDONLY, 0).
				Syscall(unix.SYS_READ, Ret(0), buf, len(buf)).
				Syscall(unix.SYS_WRITE, 1, buf, Ret(1)).
				Syscall(unix.SYS_CLOSE, Ret(0))
			if _, err := c.Program(); err != nil {
				b.Fatal(err)
			}
		})
	})
}

// BenchmarkRunOverhead: the runtime's own cost per run, without a real
// syscall: a one-step chain on dryrun, prepared and through RunInto. On a
// shared machine a syscall's cost varies more than this whole figure, so
// it is measured apart.
func BenchmarkRunOverhead(b *testing.B) {
	var c Chain
	c.Syscall(unix.SYS_GETPPID)
	d := &DryRun{}
	b.Run("via=prepared", func(b *testing.B) {
		pc := prepare(b, &c, d)
		var r Result
		loop(b, func() { runPrepared(b, pc, &r) })
	})
	b.Run("via=runinto", func(b *testing.B) {
		var r Result
		loop(b, func() {
			if err := c.RunInto(d, &r); err != nil {
				b.Fatal(err)
			}
		})
	})
	buf := make([]byte, 8)
	var p Chain
	p.Syscall(unix.SYS_READ, -1, buf, len(buf)).AllowError()
	b.Run("pinned/via=prepared", func(b *testing.B) {
		pc := prepare(b, &p, d)
		var r Result
		loop(b, func() { runPrepared(b, pc, &r) })
	})
	b.Run("pinned/via=runinto", func(b *testing.B) {
		var r Result
		loop(b, func() {
			if err := p.RunInto(d, &r); err != nil {
				b.Fatal(err)
			}
		})
	})
}
