//go:build linux && (amd64 || arm64)

package main

import (
	"bytes"
	"fmt"
	"os"
	goruntime "runtime"
	"time"
	"unsafe"

	"github.com/syschain/syschain/generated"
	"github.com/syschain/syschain/runtime"
	"golang.org/x/sys/unix"
)

// The comparison, measured in this boot: K getppid and open → read →
// write → close, each made as direct syscalls (RawSyscall and
// unix.Syscall), as the chain's words handed straight to sys_chain, and
// as a chain built with the generated typed builders and prepared once
// (Chain.Prepare) then re-run on the kernel backend and on interp. The
// simple path, Program.RunInto on the kernel backend, is measured beside
// them: it is what every run cost before prepared chains. Each figure is
// the best of many rounds, the ways' rounds interleaved so a burst of
// host load hits all of them; under TCG they are emulated nanoseconds,
// so the ratios are what carries over, not the absolute values.
//
// Every row is also printed as "BENCH <row> <ns>" (kernel/README.md,
// "The comparison").

const (
	// Many short rounds rather than a few long ones: under TCG on a
	// shared host, load comes in bursts and the scheduler takes the
	// emulator off its CPU for milliseconds at a time; the best of many
	// sub-millisecond rounds is far steadier than the best of a few long
	// ones.
	benchSteps  = 640 // getppid calls per round (a multiple of 64)
	stepRounds  = 200 // rounds of each getppid figure
	benchRounds = 100 // rounds of each file figure
	benchOps    = 100 // open/read/write/close sequences per round
)

// way is one way of doing the measured work: f does units units of it
// (calls, steps or sequences) per round.
type way struct {
	row   string // the BENCH row name
	units int
	f     func()
}

// bestOf runs rounds rounds of every way, the ways in a rotating order
// within each round, and returns each way's least ns per unit.
func bestOf(rounds int, ways []way) []float64 {
	best := make([]float64, len(ways))
	for r := 0; r < rounds; r++ {
		for j := range ways {
			i := (r + j) % len(ways)
			w := &ways[i]
			t0 := time.Now()
			w.f()
			ns := float64(time.Since(t0).Nanoseconds()) / float64(w.units)
			if r == 0 || ns < best[i] {
				best[i] = ns
			}
		}
	}
	return best
}

// benchLines prints a BENCH line per row.
func benchLines(ways []way, ns []float64) {
	for i, w := range ways {
		fmt.Printf("BENCH %s %.1f\n", w.row, ns[i])
	}
}

func testBench(s *section) {
	if debugKernel {
		s.logf("NOT RUN on the sanitizer kernel: its instrumentation makes the timings meaningless (make kernel-test has the table)")
		return
	}
	goruntime.LockOSThread()
	defer goruntime.UnlockOSThread()
	label := accel()
	cs, _ := os.ReadFile("/sys/devices/system/clocksource/clocksource0/current_clocksource")
	fmt.Printf("  comparison, %s, Go %s, clocksource %s:\n", label, goruntime.Version(), bytes.TrimSpace(cs))
	if ents, err := os.ReadDir("/sys/devices/system/cpu/vulnerabilities"); err == nil {
		for _, e := range ents {
			v, _ := os.ReadFile("/sys/devices/system/cpu/vulnerabilities/" + e.Name())
			fmt.Printf("    %s: %s\n", e.Name(), bytes.TrimSpace(v))
		}
	}
	benchGetppid(s, label)
	benchExecutor()
	benchFile(s, label)
}

// getppidChain builds K getppid steps with the typed builders. getppid
// never blocks (x/sys/unix makes it with RawSyscall), so the steps are
// NoBlock and the kernel backend calls sys_chain with RawSyscall6, as the
// words row does.
func getppidChain(k int) *generated.Chain {
	c := generated.New()
	for range k {
		c.Getppid().NoBlock()
	}
	return c
}

// benchGetppid: per call or step, K getppid as K RawSyscall, K
// unix.Syscall, one sys_chain of the words, the prepared typed chain on
// the kernel and on interp, and Program.RunInto on the kernel.
func benchGetppid(s *section, label string) {
	fmt.Printf("  K getppid, ns per call or step (%s):\n", label)
	fmt.Printf("  %-3s %8s %8s %8s %8s %8s %8s %8s | %11s %11s %11s %11s\n", "K",
		"raw", "syscall", "words", "typed-k", "typed-i", "RunInto-k", "iface-k",
		"typed/words", "vs syscall", "vs raw", "RunInto/w")
	ppid := uintptr(os.Getppid())
	type target struct{ words, syscall, rawWords float64 }
	got := map[int]target{}
	for _, k := range []int{1, 2, 4, 8, 16, 64} {
		c := getppidChain(k)
		p, err := c.Program()
		if err != nil {
			s.errorf("K=%d: build: %v", k, err)
			continue
		}
		pk, err := p.Prepare(runtime.Kernel{})
		if err != nil {
			s.errorf("K=%d: prepare: %v", k, err)
			continue
		}
		pi, err := p.Prepare(runtime.Interp{})
		if err != nil {
			s.errorf("K=%d: prepare: %v", k, err)
			continue
		}
		// The kernel backend reached through the Backend interface, as
		// any backend outside package runtime is: what the direct call
		// of Kernel.Exec saves.
		pw, err := p.Prepare(kernelIface{})
		if err != nil {
			s.errorf("K=%d: prepare: %v", k, err)
			continue
		}
		w := p.Words()
		res := make([]uintptr, k)
		wp, rp := unsafe.Pointer(&w[0]), unsafe.Pointer(&res[0])
		var r runtime.Result
		// Every way must do the work before it is timed. A signal (the Go
		// runtime's preemption, say) may stop a kernel chain between
		// steps (INTR), so each gets a few tries.
		if !tries(func() bool {
			st, e := callRaw(uintptr(len(w)), wp, rp)
			return e == 0 && ran(st) == k && res[k-1] == ppid
		}) {
			s.errorf("K=%d: the words do not run %d getppid steps", k, k)
			continue
		}
		for _, pc := range []*runtime.Prepared{pk, pi, pw} {
			if !tries(func() bool { return pc.Run(&r) && r.Steps == k && uintptr(r.Ret(k-1)) == ppid }) {
				s.errorf("K=%d: prepared on %s: %v (%d steps)", k, pc.Backend().Name(), r.Err(), r.Steps)
			}
		}
		if !tries(func() bool { return p.RunInto(runtime.Kernel{}, &r) == nil && r.Steps == k }) {
			s.errorf("K=%d: RunInto: %v", k, r.Err())
		}
		calls := benchSteps / k
		ks := fmt.Sprintf("K=%d", k)
		ways := []way{
			{"getppid/raw/" + ks, benchSteps, func() {
				for i := 0; i < benchSteps; i++ {
					unix.RawSyscall(unix.SYS_GETPPID, 0, 0, 0)
				}
			}},
			{"getppid/syscall/" + ks, benchSteps, func() {
				for i := 0; i < benchSteps; i++ {
					unix.Syscall(unix.SYS_GETPPID, 0, 0, 0)
				}
			}},
			{"getppid/words/" + ks, calls * k, func() {
				for i := 0; i < calls; i++ {
					callRaw(uintptr(len(w)), wp, rp)
				}
			}},
			{"getppid/typed-kernel/" + ks, calls * k, func() {
				for i := 0; i < calls; i++ {
					pk.Run(&r)
				}
			}},
			{"getppid/typed-interp/" + ks, calls * k, func() {
				for i := 0; i < calls; i++ {
					pi.Run(&r)
				}
			}},
			{"getppid/runinto-kernel/" + ks, calls * k, func() {
				for i := 0; i < calls; i++ {
					p.RunInto(runtime.Kernel{}, &r)
				}
			}},
			{"getppid/typed-kernel-iface/" + ks, calls * k, func() {
				for i := 0; i < calls; i++ {
					pw.Run(&r)
				}
			}},
		}
		ns := bestOf(stepRounds, ways)
		raw, sysc, words, typed, rin := ns[0], ns[1], ns[2], ns[3], ns[5]
		fmt.Printf("  %-3d %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f | %10.2fx %10.2fx %10.2fx %10.2fx\n", k,
			raw, sysc, words, typed, ns[4], rin, ns[6], words/typed, sysc/typed, raw/typed, words/rin)
		benchLines(ways, ns)
		got[k] = target{words / typed, sysc / typed, raw / words}
		pk.Close()
		pi.Close()
		pw.Close()
		goruntime.KeepAlive(w)
		goruntime.KeepAlive(res)
	}
	// The targets (issue 9), reported met or not: timings under an
	// emulator are no pass/fail criterion.
	for _, k := range []int{1, 2, 4, 8, 16, 64} {
		t := got[k]
		s.logf("getppid K=%d: typed kernel %.2fx the speed of the words (target 0.97x: %s)", k, t.words, metIf(t.words >= 0.97))
	}
	s.logf("getppid K=8: typed kernel %.2fx faster than 8 unix.Syscall (target 1.6x: %s)", got[8].syscall, metIf(got[8].syscall >= 1.6))
	// The one hard check, with a wide margin: a long chain must beat
	// direct calls per step (about 2x here).
	s.check(got[64].rawWords > 1, "a chain of 64 getppid is not faster per step than 64 RawSyscall (%.2fx)", got[64].rawWords)
}

// kernelIface is the kernel backend under another type, so a Prepared
// calls it through the Backend interface.
type kernelIface struct{ runtime.Kernel }

// tries reports whether f succeeds in one of a few tries.
func tries(f func() bool) bool {
	for range 10 {
		if f() {
			return true
		}
	}
	return false
}

func metIf(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

// benchExecutor: the executor's own cost per step, 64 steps of an unused
// slot of the table (499), which dispatches to sys_ni_syscall (-ENOSYS)
// at once; and the entry alone, sys_chain refusing flags != 0.
func benchExecutor() {
	var steps []step
	for range 64 {
		steps = append(steps, step{nr: 499})
	}
	w := enc(steps...)
	res := make([]uintptr, 64)
	wp, rp := unsafe.Pointer(&w[0]), unsafe.Pointer(&res[0])
	ways := []way{
		{"executor/ni-step", benchSteps, func() {
			for i := 0; i < benchSteps/64; i++ {
				callRaw(uintptr(len(w)), wp, rp)
			}
		}},
		{"executor/entry", benchSteps, func() {
			for i := 0; i < benchSteps; i++ {
				unix.RawSyscall6(sysChain, uintptr(len(w)), uintptr(wp), uintptr(rp), 1<<20, 0, 0)
			}
		}},
	}
	ns := bestOf(stepRounds, ways)
	fmt.Printf("  %.1f ns per step: the executor alone (64 steps of an unused number, sys_ni_syscall)\n", ns[0])
	fmt.Printf("  %.1f ns per call: the syscall entry and exit alone (sys_chain refusing flags=1<<20)\n", ns[1])
	benchLines(ways, ns)
	goruntime.KeepAlive(w)
	goruntime.KeepAlive(res)
}

// benchFile: open → read → write → close of a small file, to /dev/null,
// ns per sequence.
func benchFile(s *section, label string) {
	const path = "/tmp/bench.txt"
	if err := os.WriteFile(path, []byte("syschain: one kernel entry for a whole chain\n"), 0o644); err != nil {
		s.errorf("write %s: %v", path, err)
		return
	}
	null, err := unix.Open("/dev/null", unix.O_WRONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		s.errorf("open /dev/null: %v", err)
		return
	}
	defer unix.Close(null)
	buf := make([]byte, 256)
	pathb := []byte(path + "\x00")

	// The typed chain, as ordinary code would build it: open and read
	// may block, so the kernel backend calls sys_chain with Syscall6
	// (one scheduler hand-off for the chain), and the words row does too.
	c := generated.New()
	c.Openat(unix.AT_FDCWD, path, unix.O_RDONLY, 0).
		Read(runtime.Ret(0), buf, len(buf)).
		Write(null, buf, runtime.Ret(1)).
		Close(runtime.Ret(0))
	p, err := c.Program()
	if err != nil {
		s.errorf("build the file chain: %v", err)
		return
	}
	pk, err := p.Prepare(runtime.Kernel{})
	if err != nil {
		s.errorf("prepare: %v", err)
		return
	}
	defer pk.Close()
	pi, err := p.Prepare(runtime.Interp{})
	if err != nil {
		s.errorf("prepare: %v", err)
		return
	}
	defer pi.Close()
	var r runtime.Result
	for _, pc := range []*runtime.Prepared{pk, pi} {
		if !tries(func() bool { return pc.Run(&r) && r.Steps == 4 && r.Ret(2) == r.Ret(1) && r.Ret(1) > 0 }) {
			s.errorf("file chain prepared on %s: %v (%d steps)", pc.Backend().Name(), r.Err(), r.Steps)
			return
		}
	}
	for _, b := range []runtime.Backend{runtime.Kernel{}, runtime.Interp{}} {
		if !tries(func() bool { return p.RunInto(b, &r) == nil && r.Steps == 4 }) {
			s.errorf("file chain on %s: %v (%d steps)", b.Name(), r.Err(), r.Steps)
			return
		}
	}
	w := p.Words()
	res := make([]uintptr, 4)
	wp, rp := unsafe.Pointer(&w[0]), unsafe.Pointer(&res[0])
	if !tries(func() bool { st, e := call(uintptr(len(w)), wp, rp, 0); return e == 0 && ran(st) == 4 }) {
		s.errorf("file words: the chain does not run its 4 steps")
		return
	}

	cwd := unix.AT_FDCWD
	bp := unsafe.Pointer(&buf[0])
	ways := []way{
		{"file/raw", benchOps, func() {
			for i := 0; i < benchOps; i++ {
				fd, _, _ := unix.RawSyscall6(unix.SYS_OPENAT, uintptr(cwd), uintptr(unsafe.Pointer(&pathb[0])), unix.O_RDONLY, 0, 0, 0)
				n, _, _ := unix.RawSyscall(unix.SYS_READ, fd, uintptr(bp), uintptr(len(buf)))
				unix.RawSyscall(unix.SYS_WRITE, uintptr(null), uintptr(bp), n)
				unix.RawSyscall(unix.SYS_CLOSE, fd, 0, 0)
			}
		}},
		// As ordinary Go code (os, x/sys/unix wrappers) makes them: the
		// scheduler hand-off around each call.
		{"file/syscall", benchOps, func() {
			for i := 0; i < benchOps; i++ {
				fd, _, _ := unix.Syscall6(unix.SYS_OPENAT, uintptr(cwd), uintptr(unsafe.Pointer(&pathb[0])), unix.O_RDONLY, 0, 0, 0)
				n, _, _ := unix.Syscall(unix.SYS_READ, fd, uintptr(bp), uintptr(len(buf)))
				unix.Syscall(unix.SYS_WRITE, uintptr(null), uintptr(bp), n)
				unix.Syscall(unix.SYS_CLOSE, fd, 0, 0)
			}
		}},
		{"file/words", benchOps, func() {
			for i := 0; i < benchOps; i++ {
				call(uintptr(len(w)), wp, rp, 0)
			}
		}},
		{"file/typed-kernel", benchOps, func() {
			for i := 0; i < benchOps; i++ {
				pk.Run(&r)
			}
		}},
		{"file/typed-interp", benchOps, func() {
			for i := 0; i < benchOps; i++ {
				pi.Run(&r)
			}
		}},
		{"file/runinto-kernel", benchOps, func() {
			for i := 0; i < benchOps; i++ {
				p.RunInto(runtime.Kernel{}, &r)
			}
		}},
		{"file/runinto-interp", benchOps, func() {
			for i := 0; i < benchOps; i++ {
				p.RunInto(runtime.Interp{}, &r)
			}
		}},
	}
	ns := bestOf(benchRounds, ways)
	raw, sysc, words, typed := ns[0], ns[1], ns[2], ns[3]
	fmt.Printf("  open→read→write→close, ns per sequence (%s):\n", label)
	desc := []string{
		"4 RawSyscall",
		"4 unix.Syscall",
		"sys_chain, the words, no runtime",
		"typed, prepared, kernel",
		"typed, prepared, interp",
		"typed, RunInto, kernel",
		"typed, RunInto, interp",
	}
	fmt.Printf("  %-34s %8s %10s %10s\n", "how", "ns", "vs raw", "vs syscall")
	for i := range ways {
		fmt.Printf("  %-34s %8.0f %9.2fx %9.2fx\n", desc[i], ns[i], raw/ns[i], sysc/ns[i])
	}
	benchLines(ways, ns)
	s.logf("file: typed kernel %.2fx the speed of the words (target 0.97x: %s)", words/typed, metIf(words/typed >= 0.97))
	s.logf("file: typed kernel %.2fx faster than 4 unix.Syscall (target 1.10x: %s)", sysc/typed, metIf(sysc/typed >= 1.10))
	goruntime.KeepAlive(buf)
	goruntime.KeepAlive(pathb)
	goruntime.KeepAlive(w)
	goruntime.KeepAlive(res)
}
