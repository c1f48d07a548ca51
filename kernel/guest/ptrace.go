//go:build linux && (amd64 || arm64)

package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	goruntime "runtime"
	"slices"
	"strings"
	"syscall"

	"github.com/syschain/syschain/runtime"
	"golang.org/x/sys/unix"
)

// testPtrace: a tracer stopping at every syscall (PTRACE_SYSCALL) would
// see only sys_chain, so the kernel refuses chains then, with EOPNOTSUPP
// (its own errno); Run then runs the chain on interp, whose steps the
// tracer sees one by one (checked here from the tracer's side: the
// numbers of its syscall stops), while an explicit Kernel{} reports the
// refusal. A tracer that is attached but does not trace syscalls
// (PTRACE_CONT) does not stop chains. A tracer that set
// PTRACE_O_TRACESECCOMP is consulted by seccomp RET_TRACE, which it could
// not be for a step: chains are refused with EOPNOTSUPP there too (review
// R7), and Run's plain syscalls give it its PTRACE_EVENT_SECCOMP stops.
func testPtrace(s *section) {
	for _, mode := range []string{"syscall", "cont", "seccomp-trace"} {
		out, stops, err := traced(mode)
		for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if l != "" {
				s.logf("%s", l)
			}
		}
		if err != nil {
			s.errorf("ptrace %s: %v", mode, err)
		} else {
			s.logf("ptrace %s: child passed (%d syscall stops seen)", mode, stops)
		}
		if err != nil {
			continue
		}
		switch mode {
		case "syscall":
			s.check(len(stops) > 0, "PTRACE_SYSCALL saw no syscall stops")
			// After the refused sys_chain, Run's fallback: each step a
			// syscall of its own, in order.
			want := []uint64{unix.SYS_GETPPID, unix.SYS_GETUID, unix.SYS_GETGID, unix.SYS_GETEUID, unix.SYS_GETEGID}
			s.check(seesInOrder(stops, want), "the tracer did not see Run's steps %v after a refused sys_chain; it saw %v", want, tail(stops, 40))
			if seesInOrder(stops, want) {
				s.logf("the tracer saw sys_chain refused, then each step of Run's chain as its own syscall: %v", want)
			}
		case "seccomp-trace":
			want := []uint64{unix.SYS_GETEGID, unix.SYS_GETEGID}
			s.check(slices.Equal(stops, want), "PTRACE_EVENT_SECCOMP stops: %v, want %v (the direct getegid, then Run's getegid step on interp; none from the refused chain)", stops, want)
		}
	}
}

// seesInOrder reports whether the syscall stops show sys_chain and after
// it the numbers of want in order, each as an entry and an exit stop next
// to each other (no syscall in between).
func seesInOrder(stops []uint64, want []uint64) bool {
	var pairs []uint64
	for _, nr := range want {
		pairs = append(pairs, nr, nr)
	}
	chain := slices.Index(stops, sysChain)
	if chain < 0 {
		return false
	}
	for i := chain; i+len(pairs) <= len(stops); i++ {
		if slices.Equal(stops[i:i+len(pairs)], pairs) {
			return true
		}
	}
	return false
}

func tail(a []uint64, n int) []uint64 {
	if len(a) > n {
		return a[len(a)-n:]
	}
	return a
}

// traced runs the ptrace child under this thread's trace, resuming it with
// PTRACE_SYSCALL or PTRACE_CONT, passing its signals through.
//
// It returns the syscall number of every syscall stop (PTRACE_SYSCALL) or
// of every PTRACE_EVENT_SECCOMP stop (seccomp-trace).
func traced(mode string) ([]byte, []uint64, error) {
	goruntime.LockOSThread() // ptrace requests must come from the tracer thread
	defer goruntime.UnlockOSThread()
	cmd := selfCmd("ptrace-child", mode)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	cmd.SysProcAttr = &syscall.SysProcAttr{Ptrace: true}
	if err := cmd.Start(); err != nil {
		return nil, nil, err
	}
	pid := cmd.Process.Pid
	var ws unix.WaitStatus
	if _, err := unix.Wait4(pid, &ws, 0, nil); err != nil {
		return nil, nil, err
	}
	opts := unix.PTRACE_O_TRACESYSGOOD | unix.PTRACE_O_EXITKILL
	if mode == "seccomp-trace" {
		opts |= unix.PTRACE_O_TRACESECCOMP
	}
	unix.PtraceSetOptions(pid, opts)
	var stops []uint64
	sig := 0
	for {
		var err error
		if mode == "syscall" {
			err = unix.PtraceSyscall(pid, sig)
		} else {
			err = unix.PtraceCont(pid, sig)
		}
		if err != nil {
			return buf.Bytes(), stops, fmt.Errorf("resume: %w", err)
		}
		if _, err := unix.Wait4(pid, &ws, 0, nil); err != nil {
			return buf.Bytes(), stops, fmt.Errorf("wait4: %w", err)
		}
		switch {
		case ws.Exited():
			cmd.Wait()
			if ws.ExitStatus() != 0 {
				return buf.Bytes(), stops, fmt.Errorf("child exited %d", ws.ExitStatus())
			}
			return buf.Bytes(), stops, nil
		case ws.Signaled():
			cmd.Wait()
			return buf.Bytes(), stops, fmt.Errorf("child killed by %v", ws.Signal())
		case ws.Stopped():
			sig = 0
			switch ss := ws.StopSignal(); ss {
			case unix.SIGTRAP | 0x80:
				stops = append(stops, stopNr(pid))
			case unix.SIGTRAP:
				if ws.TrapCause() == unix.PTRACE_EVENT_SECCOMP {
					stops = append(stops, stopNr(pid))
				}
			default:
				sig = int(ss)
			}
		}
	}
}

// ptraceChild runs on its main thread (the traced one) and checks what
// the kernel does with a chain there.
func ptraceChild() int {
	mode := ""
	if len(os.Args) > 2 {
		mode = os.Args[2]
	}
	ppid := uintptr(os.Getppid())
	if mode == "seccomp-trace" {
		return seccompTraceChild(ppid)
	}
	st, res, e := run(enc(step{nr: unix.SYS_GETPPID}), 1)
	var c runtime.Chain
	c.Syscall(unix.SYS_GETPPID)
	_, rerr := c.RunOn(runtime.Kernel{})
	switch mode {
	case "syscall":
		if e != unix.EOPNOTSUPP {
			fmt.Printf("FAIL: under PTRACE_SYSCALL a chain returned status %#x errno %v, want EOPNOTSUPP\n", st, e)
			return 1
		}
		if !errors.Is(rerr, unix.EOPNOTSUPP) || !errors.Is(rerr, runtime.ErrTraced) || !strings.Contains(fmt.Sprint(rerr), "ptrace") {
			fmt.Printf("FAIL: under PTRACE_SYSCALL the explicit kernel backend said %v, want ErrTraced (EOPNOTSUPP) naming ptrace\n", rerr)
			return 1
		}
		// The kernel is still the default backend (its probe, refused
		// for tracing too, shows sys_chain is there), and Run falls
		// back to interp for each chain it refuses.
		if b := runtime.DefaultBackend(nil).Name(); b != "kernel" {
			fmt.Printf("FAIL: under PTRACE_SYSCALL the default backend is %s, want kernel (refusing, so Run falls back)\n", b)
			return 1
		}
		var d runtime.Chain
		d.Syscall(unix.SYS_GETPPID).Syscall(unix.SYS_GETUID).Syscall(unix.SYS_GETGID).Syscall(unix.SYS_GETEUID).Syscall(unix.SYS_GETEGID)
		r, err := d.Run()
		if err != nil || r.Steps != 5 || r.Ret(0) != int64(ppid) || r.Backend != "interp" {
			fmt.Printf("FAIL: under PTRACE_SYSCALL Run() gave %+v, %v; want all 5 steps on interp\n", r, err)
			return 1
		}
		// A chain prepared for the default backend falls back too, run
		// after run (its fast path makes the refused call each time).
		pc, err := d.Prepare(nil)
		if err != nil {
			fmt.Printf("FAIL: Prepare(nil): %v\n", err)
			return 1
		}
		var pr runtime.Result
		for i := range 2 {
			if !pc.Run(&pr) || pr.Steps != 5 || pr.Ret(0) != int64(ppid) || pr.Backend != "interp" {
				fmt.Printf("FAIL: under PTRACE_SYSCALL prepared run %d: backend %s, %d steps, %v; want all 5 steps on interp\n", i, pr.Backend, pr.Steps, pr.Err())
				return 1
			}
		}
		pc.Close()
		fmt.Printf("under PTRACE_SYSCALL: sys_chain refused with EOPNOTSUPP; Kernel{} reports ErrTraced; Run() and a chain prepared for the default backend ran on interp (default backend %s)\n", runtime.DefaultBackend(nil).Name())
	case "cont":
		if e != 0 || st != 1 || res[0] != ppid || rerr != nil {
			fmt.Printf("FAIL: traced without syscall stops, a chain gave status %#x errno %v result %d (backend: %v)\n", st, e, res[0], rerr)
			return 1
		}
		fmt.Println("traced with PTRACE_CONT: chains run")
	default:
		fmt.Printf("FAIL: unknown ptrace-child mode %q\n", mode)
		return 1
	}
	return 0
}

// seccompTraceChild: a filter returns SECCOMP_RET_TRACE for getegid and
// the tracer set PTRACE_O_TRACESECCOMP. A direct getegid stops for the
// tracer (PTRACE_EVENT_SECCOMP); a chain is refused with EOPNOTSUPP before
// any step (the tracer could only have seen the chain's registers), and
// Run falls back to interp, whose getegid stops for the tracer too.
func seccompTraceChild(ppid uintptr) int {
	prog := oneCallFilter(unix.SYS_GETEGID, unix.SECCOMP_RET_TRACE)
	if _, err := installFilter(prog, 0); err != nil {
		fmt.Printf("FAIL: install filter: %v\n", err)
		return 1
	}
	egid, _, e := unix.RawSyscall(unix.SYS_GETEGID, 0, 0, 0)
	if e != 0 {
		fmt.Printf("FAIL: direct getegid under TRACE with a tracer: %v, want it to run\n", e)
		return 1
	}
	st, res, e := run(enc(step{nr: unix.SYS_GETEGID}, step{nr: unix.SYS_GETPPID}), 2)
	if e != unix.EOPNOTSUPP || res[0] != 0xdeadbeef || res[1] != 0xdeadbeef {
		fmt.Printf("FAIL: a chain under a TRACESECCOMP tracer: status %#x errno %v results %#x %#x, want EOPNOTSUPP with nothing written\n", st, e, res[0], res[1])
		return 1
	}
	// The default backend: the filter keeps the kernel backend from
	// being probed, so Run is on interp anyway; Kernel{} explicitly must
	// report the refusal, and a chain prepared for the default backend
	// runs (its getegid stops for the tracer: the parent counts it).
	var c runtime.Chain
	c.Syscall(unix.SYS_GETEGID).Syscall(unix.SYS_GETPPID)
	if _, err := c.RunOn(runtime.Kernel{}); !errors.Is(err, runtime.ErrTraced) {
		fmt.Printf("FAIL: under a TRACESECCOMP tracer the explicit kernel backend said %v, want ErrTraced\n", err)
		return 1
	}
	r, err := c.Run()
	if err != nil || r.Steps != 2 || r.Ret(0) != int64(egid) || r.Ret(1) != int64(ppid) {
		fmt.Printf("FAIL: under a TRACESECCOMP tracer Run() gave %+v, %v; want getegid %d and getppid %d\n", r, err, egid, ppid)
		return 1
	}
	fmt.Printf("TRACESECCOMP tracer: direct getegid stopped for it and ran (%d); a chain is refused with EOPNOTSUPP, nothing written; Kernel{} reports ErrTraced; Run() on %s ran both steps\n", egid, r.Backend)
	return 0
}

// The traced thread is the one that exec'd: keep main on it.
func init() {
	if len(os.Args) > 1 && os.Args[1] == "ptrace-child" {
		goruntime.LockOSThread()
	}
}
