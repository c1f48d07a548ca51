//go:build linux && (amd64 || arm64)

package main

import (
	"fmt"
	"os"
	"regexp"
	goruntime "runtime"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// testTracepoints: with the raw_syscalls events enabled (what perf trace,
// bpftrace and eBPF monitors attach to), every step of a chain fires
// sys_enter and sys_exit with its own number and result, in order, between
// sys_chain's own enter and exit. A step seccomp skips fires only sys_exit,
// as a skipped direct syscall does; that is covered by the kernel code, not
// here (this task has no filter).
func testTracepoints(s *section) {
	const tfs = "/sys/kernel/tracing"
	if _, err := os.Stat(tfs + "/trace"); err != nil {
		if err := unix.Mount("tracefs", tfs, "tracefs", 0, ""); err != nil {
			s.errorf("mount tracefs: %v (the guest kernel needs CONFIG_FTRACE_SYSCALLS)", err)
			return
		}
	}
	wr := func(f, v string) error { return os.WriteFile(tfs+"/"+f, []byte(v), 0) }
	goruntime.LockOSThread()
	defer goruntime.UnlockOSThread()
	tid := unix.Gettid()
	for _, c := range [][2]string{{"tracing_on", "0"}, {"trace", ""}, {"set_event_pid", strconv.Itoa(tid)}, {"events/raw_syscalls/enable", "1"}} {
		if err := wr(c[0], c[1]); err != nil {
			s.errorf("tracefs %s: %v", c[0], err)
			return
		}
	}
	defer wr("events/raw_syscalls/enable", "0")
	defer wr("set_event_pid", "")

	// Steps with distinct numbers and results, including a number past
	// the table (its sys_exit says -ENOSYS).
	steps := []step{{nr: unix.SYS_GETPPID}, {nr: unix.SYS_GETUID}, {nr: 499}, {nr: unix.SYS_GETPID}, {nr: unix.SYS_CLOSE, args: []uintptr{^uintptr(0)}}}
	words := enc(steps...)
	res := make([]uintptr, len(steps))
	// A signal (the Go runtime's preemption, frequent on the slow
	// sanitizer kernel) can stop the chain between steps (version 1:
	// INTR); then the trace is cleared and the chain run again.
	var st uintptr
	var e unix.Errno
	for try := 0; try < 20; try++ {
		wr("trace", "")
		wr("tracing_on", "1")
		st, e = callRaw(uintptr(len(words)), unsafePtr(words), unsafePtr(res))
		wr("tracing_on", "0")
		if e != 0 || why(st) != whyIntr {
			break
		}
	}
	if e != 0 || ran(st) != len(steps) {
		s.errorf("chain under tracepoints: status %#x errno %v", st, e)
		return
	}
	b, err := os.ReadFile(tfs + "/trace")
	if err != nil {
		s.errorf("read trace: %v", err)
		return
	}
	// "sys_enter: NR 110 (...)" and "sys_exit: NR 110 = 1"
	re := regexp.MustCompile(`sys_(enter|exit): NR (-?\d+) (?:\(|= (-?\d+))`)
	var got []string
	for _, l := range strings.Split(string(b), "\n") {
		if m := re.FindStringSubmatch(l); m != nil {
			if m[1] == "enter" {
				got = append(got, "enter "+m[2])
			} else {
				got = append(got, "exit "+m[2]+" = "+m[3])
			}
		}
	}
	want := []string{fmt.Sprintf("enter %d", sysChain)}
	for i, st := range steps {
		want = append(want, fmt.Sprintf("enter %d", st.nr), fmt.Sprintf("exit %d = %d", st.nr, int64(res[i])))
	}
	want = append(want, fmt.Sprintf("exit %d = %d", sysChain, st))
	i := slices.Index(got, want[0])
	if i < 0 || i+len(want) > len(got) || !slices.Equal(got[i:i+len(want)], want) {
		s.errorf("raw_syscalls events:\n    got  %q\n    want %q (each step's sys_enter/sys_exit inside sys_chain's)", got, want)
		return
	}
	s.logf("raw_syscalls: sys_chain's enter, each of its %d steps' enter and exit with its result, in order, then its exit", len(steps))
}
