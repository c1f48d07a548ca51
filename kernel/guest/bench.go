//go:build linux && amd64

package main

import (
	"bytes"
	"fmt"
	"os"
	goruntime "runtime"
	"time"
	"unsafe"

	"github.com/syschain/syschain/runtime"
	"golang.org/x/sys/unix"
)

// The comparison the seed asked for, measured in this boot: per-step cost
// of K getppid as K direct syscalls vs one chain, and open → read → write
// → close as four syscalls vs interp vs the kernel backend. Each figure is
// the best of several rounds (the least disturbed by the emulator and the
// Go runtime); under TCG they are emulated nanoseconds, so the ratios are
// what carries over, not the absolute values.

const (
	// Many short rounds rather than a few long ones: under TCG on a
	// shared host, load comes in bursts, and the best of many 3 ms
	// rounds is far steadier than the best of a few 25 ms ones.
	benchSteps  = 6400  // getppid calls per round (a multiple of 64)
	stepRounds  = 50    // rounds of each getppid figure; best2 alternates its two
	benchRounds = 5     // rounds of each file figure
	benchOps    = 20000 // open/read/write/close sequences per round
)

// best runs f rounds times and returns the least ns per unit.
func best(rounds, units int, f func()) float64 {
	b := 0.0
	for r := 0; r < rounds; r++ {
		t0 := time.Now()
		f()
		ns := float64(time.Since(t0).Nanoseconds()) / float64(units)
		if r == 0 || ns < b {
			b = ns
		}
	}
	return b
}

// best2 alternates rounds of a and b and returns each one's least ns per unit.
func best2(ua int, a func(), ub int, b func()) (float64, float64) {
	var ba, bb float64
	for r := 0; r < stepRounds; r++ {
		t0 := time.Now()
		a()
		na := float64(time.Since(t0).Nanoseconds()) / float64(ua)
		t0 = time.Now()
		b()
		nb := float64(time.Since(t0).Nanoseconds()) / float64(ub)
		if r == 0 || na < ba {
			ba = na
		}
		if r == 0 || nb < bb {
			bb = nb
		}
	}
	return ba, bb
}

func testBench(s *section) {
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

	directLoop := func() {
		for i := 0; i < benchSteps; i++ {
			unix.RawSyscall(unix.SYS_GETPPID, 0, 0, 0)
		}
	}
	fmt.Printf("  %-4s %14s %14s %8s\n", "K", "direct ns/call", "chain ns/step", "ratio")
	ratios := map[int]float64{}
	for _, k := range []int{1, 2, 4, 8, 16, 64} {
		var steps []step
		for range k {
			steps = append(steps, step{nr: unix.SYS_GETPPID})
		}
		w := enc(steps...)
		res := make([]uintptr, k)
		calls := benchSteps / k
		wp, rp := unsafe.Pointer(&w[0]), unsafe.Pointer(&res[0])
		if st, e := call(uintptr(len(w)), wp, rp, 0); e != 0 || ran(st) != k {
			s.errorf("K=%d: status %#x errno %v", k, st, e)
			continue
		}
		// Direct and chain rounds alternate, so a burst of host load
		// hits both; each keeps its best round.
		direct, chain := best2(benchSteps, directLoop, calls*k, func() {
			for i := 0; i < calls; i++ {
				callRaw(uintptr(len(w)), wp, rp)
			}
		})
		ratios[k] = direct / chain
		fmt.Printf("  %-4d %14.1f %14.1f %7.2fx\n", k, direct, chain, direct/chain)
		goruntime.KeepAlive(w)
		goruntime.KeepAlive(res)
	}
	ratio8 := ratios[8]
	// The executor's own cost per step: 64 steps of an unused slot of the
	// table (499), which dispatches to sys_ni_syscall (-ENOSYS) at once.
	{
		var steps []step
		for range 64 {
			steps = append(steps, step{nr: 499})
		}
		w := enc(steps...)
		res := make([]uintptr, 64)
		wp, rp := unsafe.Pointer(&w[0]), unsafe.Pointer(&res[0])
		loop := best(stepRounds, benchSteps, func() {
			for i := 0; i < benchSteps/64; i++ {
				callRaw(uintptr(len(w)), wp, rp)
			}
		})
		fmt.Printf("  %-4s %14s %14.1f   (the executor alone: 64 steps of an unused number, sys_ni_syscall)\n", "64", "", loop)
		// And the entry alone: sys_chain refusing flags != 0 at once.
		entry := best(stepRounds, benchSteps, func() {
			for i := 0; i < benchSteps; i++ {
				unix.RawSyscall6(sysChain, uintptr(len(w)), uintptr(wp), uintptr(rp), 1, 0, 0)
			}
		})
		fmt.Printf("  %-4s %14s %14.1f   (sys_chain refusing flags=1: the syscall entry and exit alone)\n", "0", "", entry)
		goruntime.KeepAlive(w)
		goruntime.KeepAlive(res)
	}
	// The target is 2.5x at K=8 under TCG. Emulated timings vary
	// with the host's load, so the hard check is only that long chains
	// beat direct calls; the K=8 target is reported, met or not.
	target := "met"
	if ratio8 < 2.5 {
		target = "MISSED"
	}
	s.logf("K=8: chain %.2fx faster per step than direct calls (target 2.5x: %s); K=64: %.2fx", ratio8, target, ratios[64])
	s.check(ratios[64] > 1, "a chain of 64 getppid is not faster per step than direct calls (%.2fx)", ratios[64])

	benchFile(s)
}

// benchFile: open → read → write → close of a small file, to /dev/null.
func benchFile(s *section) {
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

	cwd := unix.AT_FDCWD
	four := best(benchRounds, benchOps, func() {
		for i := 0; i < benchOps; i++ {
			fd, _, _ := unix.RawSyscall6(unix.SYS_OPENAT, uintptr(cwd), uintptr(unsafe.Pointer(&pathb[0])), unix.O_RDONLY, 0, 0, 0)
			n, _, _ := unix.RawSyscall(unix.SYS_READ, fd, uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)))
			unix.RawSyscall(unix.SYS_WRITE, uintptr(null), uintptr(unsafe.Pointer(&buf[0])), n)
			unix.RawSyscall(unix.SYS_CLOSE, fd, 0, 0)
		}
	})
	// The same through unix.Syscall, as ordinary Go code (os, x/sys/unix
	// wrappers) makes them: the scheduler hand-off around each call.
	fourGo := best(benchRounds, benchOps, func() {
		for i := 0; i < benchOps; i++ {
			fd, _, _ := unix.Syscall6(unix.SYS_OPENAT, uintptr(cwd), uintptr(unsafe.Pointer(&pathb[0])), unix.O_RDONLY, 0, 0, 0)
			n, _, _ := unix.Syscall(unix.SYS_READ, fd, uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)))
			unix.Syscall(unix.SYS_WRITE, uintptr(null), uintptr(unsafe.Pointer(&buf[0])), n)
			unix.Syscall(unix.SYS_CLOSE, fd, 0, 0)
		}
	})

	var c runtime.Chain
	c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, path, unix.O_RDONLY, 0).NoBlock().
		Syscall(unix.SYS_READ, runtime.Ret(0), buf, len(buf)).NoBlock().
		Syscall(unix.SYS_WRITE, null, buf, runtime.Ret(1)).NoBlock().
		Syscall(unix.SYS_CLOSE, runtime.Ret(0)).NoBlock()
	p, err := c.Program()
	if err != nil {
		s.errorf("build the file chain: %v", err)
		return
	}
	var r runtime.Result
	timeOn := func(b runtime.Backend) float64 {
		if err := p.RunInto(b, &r); err != nil || r.Steps != 4 {
			s.errorf("file chain on %s: %v (%d steps)", b.Name(), err, r.Steps)
			return 0
		}
		return best(benchRounds, benchOps, func() {
			for i := 0; i < benchOps; i++ {
				p.RunInto(b, &r)
			}
		})
	}
	interp := timeOn(runtime.Interp{})
	kernel := timeOn(runtime.Kernel{})
	// The same words straight to sys_chain: the runtime's own overhead
	// (pinning, result bookkeeping) is the difference to "kernel".
	w := p.Words()
	res := make([]uintptr, 4)
	raw := best(benchRounds, benchOps, func() {
		for i := 0; i < benchOps; i++ {
			callRaw(uintptr(len(w)), unsafe.Pointer(&w[0]), unsafe.Pointer(&res[0]))
		}
	})
	fmt.Printf("  open→read→write→close, ns per sequence (%s):\n", accel())
	fmt.Printf("  %-28s %10.0f %8s\n", "4 direct syscalls (raw)", four, "1.00x")
	fmt.Printf("  %-28s %10.0f %7.2fx\n", "4 direct unix.Syscall", fourGo, four/fourGo)
	fmt.Printf("  %-28s %10.0f %7.2fx\n", "runtime, interp backend", interp, four/interp)
	fmt.Printf("  %-28s %10.0f %7.2fx\n", "runtime, kernel backend", kernel, four/kernel)
	fmt.Printf("  %-28s %10.0f %7.2fx\n", "sys_chain, words direct", raw, four/raw)
	goruntime.KeepAlive(buf)
	goruntime.KeepAlive(pathb)
}
