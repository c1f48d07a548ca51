//go:build linux && (amd64 || arm64)

package main

import (
	"fmt"
	"os"
	"os/signal"
	goruntime "runtime"
	"time"
	"unsafe"

	"github.com/syschain/syschain/runtime"
	"golang.org/x/sys/unix"
)

// testProbe: the kernel backend finds sys_chain and is the default.
func testProbe(s *section) {
	if err := (runtime.Kernel{}).Available(); err != nil {
		s.errorf("Kernel.Available: %v", err)
		return
	}
	b, err := runtime.BackendByName("kernel")
	if err != nil {
		s.errorf("BackendByName(kernel): %v", err)
		return
	}
	s.check(runtime.DefaultBackend(nil).Name() == "kernel", "default backend is %s, want kernel", runtime.DefaultBackend(nil).Name())
	s.logf("sys_chain (syscall %d) present; default backend %s", sysChain, b.Name())
}

// expect runs words and checks the status (or the errno) and results.
// want lists the results of steps 0.. (the slot after them must stay
// untouched); a nil want skips the results check.
func expect(s *section, name string, words []uintptr, nsteps int, wantErr unix.Errno, wantRan, wantWhy int, want []uintptr) {
	expectWith(s, name, words, nsteps, 0, wantErr, wantRan, wantWhy, want)
}

// expectWith is expect with sys_chain flags (fV2: version 2).
func expectWith(s *section, name string, words []uintptr, nsteps int, flags uintptr, wantErr unix.Errno, wantRan, wantWhy int, want []uintptr) {
	st, res, e := runWith(words, nsteps, flags)
	if wantErr != 0 {
		s.check(e == wantErr, "%s: got status %#x errno %v, want errno %v", name, st, e, wantErr)
		for i, r := range res {
			s.check(r == 0xdeadbeef, "%s: refused chain wrote results[%d] = %#x", name, i, r)
		}
		return
	}
	if e != 0 {
		s.errorf("%s: errno %v, want status ran=%d why=%s", name, e, wantRan, whyName[wantWhy])
		return
	}
	s.check(ran(st) == wantRan && why(st) == wantWhy, "%s: status %#x = ran %d why %d, want ran %d why %s", name, st, ran(st), why(st), wantRan, whyName[wantWhy])
	for i, w := range want {
		s.check(res[i] == w, "%s: results[%d] = %#x (%d), want %#x (%d)", name, i, res[i], int64(res[i]), w, int64(w))
	}
	s.check(res[nsteps] == 0xdeadbeef, "%s: wrote past the last step's result", name)
}

func testABI(s *section) {
	pid, ppid := uintptr(os.Getpid()), uintptr(os.Getppid())
	canc := neg(unix.ECANCELED)
	getpid := step{nr: unix.SYS_GETPID}
	getppid := step{nr: unix.SYS_GETPPID}
	badclose := step{nr: unix.SYS_CLOSE, args: []uintptr{^uintptr(0)}}

	expect(s, "one getppid", enc(getppid), 1, 0, 1, whyEnd, []uintptr{ppid})
	expect(s, "seed-compatible bitmap", []uintptr{unix.SYS_GETPPID, 0, 0}, 1, 0, 1, whyEnd, []uintptr{ppid})
	pgid, _ := unix.Getpgid(int(pid))
	expect(s, "symbolic argument", enc(getpid, step{nr: unix.SYS_GETPGID, args: []uintptr{0}, sym: 1}), 2, 0, 2, whyEnd,
		[]uintptr{pid, uintptr(pgid)})
	errs := badclose
	errs.errstop = true
	expect(s, "errstop", enc(errs, getppid), 2, 0, 1, whyErrStop, []uintptr{neg(unix.EBADF), canc})
	expect(s, "error without errstop", enc(badclose, getppid), 2, 0, 2, whyEnd, []uintptr{neg(unix.EBADF), ppid})

	stopIfPid := step{nr: unix.SYS_GETPID, conds: []cond{{code: cEQ, val: pid}}}
	expect(s, "condstop", enc(stopIfPid, getppid), 2, 0, 1, whyCondStop, []uintptr{pid, canc})
	cont := stopIfPid
	cont.action = aContinue
	expect(s, "continue", enc(cont, getppid), 2, 0, 2, whyEnd, []uintptr{pid, ppid})
	jump := stopIfPid
	jump.action, jump.target = aJump, 2
	expect(s, "jump over a step", enc(jump, errs, getppid), 3, 0, 2, whyEnd, []uintptr{pid, canc, ppid})
	jump.target = 2
	expect(s, "jump to the end", enc(getppid, func() step { j := jump; j.target = 2; return j }()), 2, 0, 2, whyEnd, []uintptr{ppid, pid})
	miss := step{nr: unix.SYS_GETPID, conds: []cond{{code: cEQ, val: 99999}}}
	expect(s, "false condition", enc(miss, getppid), 2, 0, 2, whyEnd, []uintptr{pid, ppid})
	or := step{nr: unix.SYS_GETPID, conds: []cond{{code: cEQ, val: 99999}, {code: cNE, val: 99999}}}
	expect(s, "conditions are ORed", enc(or, getppid), 2, 0, 1, whyCondStop, []uintptr{pid, canc})
	csym := step{nr: unix.SYS_GETPID, conds: []cond{{code: cEQ, val: 0, sym: true}}}
	expect(s, "symbolic condition value", enc(getpid, csym, getppid), 3, 0, 2, whyCondStop, []uintptr{pid, pid, canc})
	// A reference to a step that did not run reads -ECANCELED.
	j1 := jump
	j1.target = 2
	expect(s, "reference to a skipped step", enc(j1, getppid, step{nr: unix.SYS_CLOSE, args: []uintptr{1}, sym: 1, errstop: true}), 3, 0, 2, whyErrStop,
		[]uintptr{pid, canc, neg(unix.EBADF)})

	// Every comparison, signed and unsigned, against values around the result.
	vals := []uintptr{0, pid - 1, pid, pid + 1, ^uintptr(0), 1 << 63}
	for code := uintptr(0); code < 10; code++ {
		for _, v := range vals {
			st, _, e := run(enc(step{nr: unix.SYS_GETPID, conds: []cond{{code: code, val: v}}}, getppid), 2)
			want := compare(code, pid, v)
			s.check(e == 0 && (why(st) == whyCondStop) == want, "condition %d against %#x on %d: status %#x errno %v, want stop=%v", code, v, pid, st, e, want)
		}
	}

	// Bounds: checked after substitution, unsigned, inclusive.
	buf := make([]byte, 8)
	bp := uintptr(unsafe.Pointer(&buf[0]))
	over := step{nr: unix.SYS_READ, args: []uintptr{^uintptr(0), bp, 0}, sym: 4, bounds: map[int]uintptr{2: pid - 1}}
	expect(s, "bound exceeded", enc(getpid, over, getppid), 3, 0, 1, whyBound, []uintptr{pid, neg(unix.EOVERFLOW), canc})
	within := over
	within.bounds = map[int]uintptr{2: pid}
	expect(s, "bound met", enc(getpid, within, getppid), 3, 0, 3, whyEnd, []uintptr{pid, neg(unix.EBADF), ppid})
	goruntime.KeepAlive(buf)

	// The longest chain.
	var long []step
	for range 256 {
		long = append(long, getppid)
	}
	want := make([]uintptr, 256)
	for i := range want {
		want[i] = ppid
	}
	expect(s, "256 steps", enc(long...), 256, 0, 256, whyEnd, want)

	// Validation: refused before any step runs; results untouched.
	inv := func(name string, w []uintptr) { expect(s, "EINVAL: "+name, w, 4, unix.EINVAL, 0, 0, nil) }
	inv("257 steps", enc(append(long, getppid)...))
	inv("nargs 7", []uintptr{unix.SYS_GETPID, 7 << 9, 1, 2, 3, 4, 5, 6, 7, 0})
	inv("condition code 10", enc(step{nr: unix.SYS_GETPID, conds: []cond{{code: 10}}}))
	inv("condition code 15", enc(step{nr: unix.SYS_GETPID, conds: []cond{{code: 15}}}))
	inv("action 3", enc(step{nr: unix.SYS_GETPID, action: 3}))
	inv("bitmap bit 29", []uintptr{unix.SYS_GETPID, 1 << 29, 0})
	inv("bitmap bit 63", []uintptr{unix.SYS_GETPID, 1 << 63, 0})
	inv("error function", []uintptr{unix.SYS_GETPID, 0, 0x401000})
	inv("symmask beyond nargs", []uintptr{unix.SYS_GETPID, 1<<9 | 2, 0, 0})
	inv("condsym beyond nconds", []uintptr{unix.SYS_GETPID, 1<<6 | 1<<13, 0, 0, 0})
	inv("boundmask beyond nargs", []uintptr{unix.SYS_GETPID, 1<<9 | 1<<24, 0, 0, 5})
	inv("reference to itself", enc(step{nr: unix.SYS_CLOSE, args: []uintptr{0}, sym: 1}))
	inv("reference to a later step", enc(getpid, step{nr: unix.SYS_CLOSE, args: []uintptr{2}, sym: 1}, getpid))
	inv("condition value referencing itself", enc(getpid, step{nr: unix.SYS_GETPID, conds: []cond{{code: cEQ, val: 1, sym: true}}}))
	inv("code bits above nconds", []uintptr{unix.SYS_GETPID, 1 << 6, 0, 0x10, 0})
	inv("jump backward", enc(getpid, func() step { j := jump; j.target = 1; return j }()))
	inv("jump to itself", enc(func() step { j := jump; j.target = 0; return j }(), getpid))
	inv("jump past the end", enc(func() step { j := jump; j.target = 3; return j }(), getpid))
	inv("words end inside a step", enc(getpid, getppid)[:4])
	inv("two words", []uintptr{unix.SYS_GETPID, 0})
	var one [1]uintptr
	st, e := call(0, unsafe.Pointer(&one[0]), unsafe.Pointer(&one[0]), 0)
	s.check(e == unix.EINVAL, "nwords 0: status %#x errno %v, want EINVAL", st, e)
	w := enc(getppid)
	// An undefined flag (bit 0 is CHAIN_F_V2 since version 2).
	st, e = call(uintptr(len(w)), unsafe.Pointer(&w[0]), unsafe.Pointer(&one[0]), 1<<20)
	s.check(e == unix.EINVAL, "flags 1<<20: status %#x errno %v, want EINVAL", st, e)
	// MAX_WORDS is 256 steps of the largest step, 24 words: 6144.
	st, e = call(maxWords+1, unsafe.Pointer(&w[0]), unsafe.Pointer(&one[0]), 0)
	s.check(e == unix.E2BIG, "nwords %d: status %#x errno %v, want E2BIG", maxWords+1, st, e)
	big := make([]uintptr, maxWords) // zero words: read() steps with 0 args, too many of them
	st, e = call(uintptr(len(big)), unsafe.Pointer(&big[0]), unsafe.Pointer(&one[0]), 0)
	s.check(e == unix.EINVAL, "%d words of zeros: status %#x errno %v, want EINVAL (too many steps)", maxWords, st, e)
	// The longest valid chain: 256 steps of 24 words each.
	var longest []step
	for i := range 256 {
		st := longestStep()
		st.target = uintptr(i + 1) // never taken: no condition holds
		longest = append(longest, st)
	}
	lw := enc(longest...)
	s.check(len(lw) == maxWords, "the longest step encodes to %d words per step, want 24", len(lw)/256)
	wantL := make([]uintptr, 256)
	for i := range wantL {
		wantL[i] = ppid
	}
	expect(s, "256 steps of 24 words (MAX_WORDS)", lw, 256, 0, 256, whyEnd, wantL)

	// The deny list, each entry alone and after a step with a visible effect.
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_NONBLOCK|unix.O_CLOEXEC); err != nil {
		s.errorf("pipe2: %v", err)
		return
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])
	msg := []byte("x")
	wr := step{nr: unix.SYS_WRITE, args: []uintptr{uintptr(p[1]), uintptr(unsafe.Pointer(&msg[0])), 1}}
	for _, nr := range append([]uintptr{sysChain, unix.SYS_CLONE, unix.SYS_CLONE3,
		unix.SYS_EXECVE, unix.SYS_EXECVEAT, unix.SYS_EXIT, unix.SYS_EXIT_GROUP, unix.SYS_REBOOT,
		unix.SYS_RT_SIGRETURN, unix.SYS_RESTART_SYSCALL}, archDenied...) {
		expect(s, "deny list", enc(wr, getppid, step{nr: nr}), 3, unix.EPERM, 0, 0, nil)
	}
	// The calls that only swap the signal mask run (the chain stops
	// whenever a signal is pending, so their mask is restored before any
	// later step): a ppoll and an epoll_pwait with a mask and no wait.
	var mask unix.Sigset_t
	mask.Val[0] = 1 << (unix.SIGUSR2 - 1)
	ts := unix.Timespec{}
	pfd := []unix.PollFd{{Fd: int32(p[0]), Events: unix.POLLIN}}
	epfd, _ := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	defer unix.Close(epfd)
	evs := make([]unix.EpollEvent, 1)
	expect(s, "ppoll and epoll_pwait with a signal mask", enc(
		step{nr: unix.SYS_PPOLL, args: []uintptr{uintptr(unsafe.Pointer(&pfd[0])), 1, uintptr(unsafe.Pointer(&ts)), uintptr(unsafe.Pointer(&mask)), 8}},
		step{nr: unix.SYS_EPOLL_PWAIT, args: []uintptr{uintptr(epfd), uintptr(unsafe.Pointer(&evs[0])), 1, 0, uintptr(unsafe.Pointer(&mask)), 8}},
		step{nr: unix.SYS_RT_SIGPROCMASK, args: []uintptr{unix.SIG_BLOCK, 0, uintptr(unsafe.Pointer(&mask)), 8}}),
		3, 0, 3, whyEnd, []uintptr{0, 0, 0})
	s.check(mask.Val[0]&(1<<(unix.SIGUSR2-1)) == 0, "the temporary mask of ppoll/epoll_pwait was still in place after them (mask %#x)", mask.Val[0])
	goruntime.KeepAlive(pfd)
	goruntime.KeepAlive(evs)
	n, _ := unix.Read(p[0], make([]byte, 8))
	s.check(n <= 0, "a denied chain ran its first step: the pipe holds %d bytes", n)
	// Malformed takes precedence over denied, wherever they are.
	expect(s, "denied then malformed", enc(step{nr: unix.SYS_EXECVE}, step{nr: unix.SYS_GETPID, action: 3}), 2, unix.EINVAL, 0, 0, nil)
	// A number past the table is ENOSYS at run time, like a direct call.
	expect(s, "unknown syscall number", enc(step{nr: 499}, step{nr: 1<<40 | 499}, getppid), 3, 0, 3, whyEnd,
		[]uintptr{neg(unix.ENOSYS), neg(unix.ENOSYS), ppid})
	// Contract G (review R10): a step's number is its low 32 bits, as the
	// direct entry takes it, for the deny list, seccomp, tracepoints and
	// dispatch alike: (1<<32)|getpid runs getpid, (1<<32)|execve and
	// (1<<32)|sys_chain are denied (nothing runs: the pipe stays empty).
	expect(s, "(1<<32)|getpid runs getpid", enc(step{nr: 1<<32 | unix.SYS_GETPID}, step{nr: 0xffffffff<<32 | unix.SYS_GETPPID}), 2, 0, 2, whyEnd,
		[]uintptr{pid, ppid})
	for _, nr := range []uintptr{1<<32 | unix.SYS_EXECVE, 1<<32 | sysChain, 0x80000000<<32 | unix.SYS_EXIT_GROUP} {
		expect(s, fmt.Sprintf("number %#x (a denied call's low 32 bits)", nr), enc(wr, step{nr: nr}), 2, unix.EPERM, 0, 0, nil)
	}
	n, _ = unix.Read(p[0], make([]byte, 8))
	s.check(n <= 0, "a chain denied for a high-bits number ran its first step: the pipe holds %d bytes", n)
	goruntime.KeepAlive(msg)
}

// maxWords is the wire format's MAX_WORDS.
const maxWords = 256 * 24

// longestStep is a getppid step of the largest size: 6 arguments, 7
// conditions that never hold, 6 bounds that always do, and a jump.
func longestStep() step {
	st := step{nr: unix.SYS_GETPPID, args: []uintptr{1, 2, 3, 4, 5, 6}, bounds: map[int]uintptr{}, action: aJump}
	for j := 0; j < 7; j++ {
		st.conds = append(st.conds, cond{code: cEQ, val: 0xdead0000 + uintptr(j)})
	}
	for k := 0; k < 6; k++ {
		st.bounds[k] = ^uintptr(0)
	}
	return st
}

// compare is the spec's table of condition codes, for the expectations.
func compare(code, r, v uintptr) bool {
	switch code {
	case cEQ:
		return r == v
	case cNE:
		return r != v
	case cGT:
		return int64(r) > int64(v)
	case cGTU:
		return r > v
	case cLT:
		return int64(r) < int64(v)
	case cLTU:
		return r < v
	case cGE:
		return int64(r) >= int64(v)
	case cGEU:
		return r >= v
	case cLE:
		return int64(r) <= int64(v)
	}
	return r <= v
}

// testSignals: a signal between steps, and a step interrupted by one,
// stop the chain with INTR; nothing is re-run.
func testSignals(s *section) {
	ch := make(chan os.Signal, 16)
	signal.Notify(ch, unix.SIGUSR1)
	defer signal.Stop(ch)
	goruntime.LockOSThread()
	defer goruntime.UnlockOSThread()
	pid, tid, ppid := uintptr(os.Getpid()), uintptr(unix.Gettid()), uintptr(os.Getppid())
	canc := neg(unix.ECANCELED)

	// Step 2 signals this thread: step 3 must not run.
	kill := step{nr: unix.SYS_TGKILL, args: []uintptr{0, 1, uintptr(unix.SIGUSR1)}, sym: 3}
	expect(s, "signal between steps", enc(step{nr: unix.SYS_GETPID}, step{nr: unix.SYS_GETTID}, kill, step{nr: unix.SYS_GETPPID}), 4, 0, 3, whyIntr,
		[]uintptr{pid, tid, 0, canc})
	<-ch

	// A blocking step interrupted by a signal (-ERESTART_RESTARTBLOCK
	// from nanosleep, -ERESTARTSYS from a pipe read) becomes -EINTR.
	ts := unix.Timespec{Sec: 5}
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		s.errorf("pipe2: %v", err)
		return
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])
	buf := make([]byte, 8)
	for _, c := range []struct {
		name string
		st   step
	}{
		{"nanosleep", step{nr: unix.SYS_NANOSLEEP, args: []uintptr{uintptr(unsafe.Pointer(&ts)), 0}}},
		{"pipe read", step{nr: unix.SYS_READ, args: []uintptr{uintptr(p[0]), uintptr(unsafe.Pointer(&buf[0])), 8}}},
	} {
		t0 := time.Now()
		go func() {
			time.Sleep(200 * time.Millisecond)
			unix.Tgkill(int(pid), int(tid), unix.SIGUSR1)
		}()
		st, res, e := run(enc(step{nr: unix.SYS_GETPPID}, c.st, step{nr: unix.SYS_GETPPID}), 3)
		<-ch
		d := time.Since(t0)
		s.check(e == 0 && ran(st) == 2 && why(st) == whyIntr && res[0] == ppid && res[1] == neg(unix.EINTR) && res[2] == canc,
			"%s interrupted: status %#x errno %v results %d %d %d, want ran 2 INTR, %d -EINTR -ECANCELED", c.name, st, e, int64(res[0]), int64(res[1]), int64(res[2]), ppid)
		s.check(d < 3*time.Second, "%s interrupted: took %v (re-run?)", c.name, d)
	}
	goruntime.KeepAlive(&ts)
	goruntime.KeepAlive(buf)
}

// testPointers: unreadable words and unwritable results are EFAULT with
// no step run; bad pointers inside steps are the steps' own EFAULT.
func testPointers(s *section) {
	page := uintptr(os.Getpagesize())
	mem, err := unix.Mmap(-1, 0, int(3*page), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		s.errorf("mmap: %v", err)
		return
	}
	defer unix.Munmap(mem)
	base := uintptr(unsafe.Pointer(&mem[0]))
	// Page 0: words and results; page 1: PROT_NONE; page 2: read-only.
	unix.Mprotect(mem[page:2*page], unix.PROT_NONE)
	unix.Mprotect(mem[2*page:], unix.PROT_READ)

	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_NONBLOCK|unix.O_CLOEXEC); err != nil {
		s.errorf("pipe2: %v", err)
		return
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])
	msg := []byte("x")
	w := enc(step{nr: unix.SYS_WRITE, args: []uintptr{uintptr(p[1]), uintptr(unsafe.Pointer(&msg[0])), 1}})
	// Words placed so they end on the PROT_NONE page.
	tail := base + page - 2*8
	copy(unsafe.Slice((*uintptr)(addr(tail)), 2), w[:2])
	var res [4]uintptr
	resp := unsafe.Pointer(&res[0])
	// Two steps whose results straddle the end of page 0: the first slot
	// is writable, the second on the PROT_NONE page. The kernel probes
	// only the first and last slot before running, so this is the case
	// that shows the last one is probed. (Runs last: its first slot
	// overlaps the tail words above.)
	w2 := enc(step{nr: unix.SYS_WRITE, args: []uintptr{uintptr(p[1]), uintptr(unsafe.Pointer(&msg[0])), 1}},
		step{nr: unix.SYS_GETPPID})
	for _, c := range []struct {
		name   string
		n      uintptr
		words  unsafe.Pointer
		result unsafe.Pointer
	}{
		{"NULL words", uintptr(len(w)), nil, resp},
		{"words on a PROT_NONE page", uintptr(len(w)), addr(base + page), resp},
		{"words running into a PROT_NONE page", uintptr(len(w)), addr(tail), resp},
		{"kernel address as words", uintptr(len(w)), addr(0xffff888000000000), resp},
		{"NULL results", uintptr(len(w)), unsafe.Pointer(&w[0]), nil},
		{"read-only results", uintptr(len(w)), unsafe.Pointer(&w[0]), addr(base + 2*page)},
		{"PROT_NONE results", uintptr(len(w)), unsafe.Pointer(&w[0]), addr(base + page)},
		{"kernel address as results", uintptr(len(w)), unsafe.Pointer(&w[0]), addr(0xffff888000000000)},
		{"results running into a PROT_NONE page", uintptr(len(w2)), unsafe.Pointer(&w2[0]), addr(base + page - 8)},
	} {
		st, e := call(c.n, c.words, c.result, 0)
		s.check(e == unix.EFAULT, "%s: status %#x errno %v, want EFAULT", c.name, st, e)
	}
	n, _ := unix.Read(p[0], make([]byte, 8))
	s.check(n <= 0, "a chain refused with EFAULT ran its step: the pipe holds %d bytes", n)

	// The probe leaves no trace: results whose first slot is writable and
	// whose last is on a read-only page are -EFAULT, and the first slot
	// keeps its value (the probe reads both before writing either back).
	ro, err := unix.Mmap(-1, 0, int(2*page), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		s.errorf("mmap: %v", err)
		return
	}
	defer unix.Munmap(ro)
	rob := uintptr(unsafe.Pointer(&ro[0]))
	slot0 := (*uintptr)(addr(rob + page - 8))
	*slot0 = 0x5a5a5a5a
	unix.Mprotect(ro[page:], unix.PROT_READ)
	st, e := call(uintptr(len(w2)), unsafe.Pointer(&w2[0]), addr(rob+page-8), 0)
	s.check(e == unix.EFAULT, "results running into a read-only page: status %#x errno %v, want EFAULT", st, e)
	s.check(*slot0 == 0x5a5a5a5a, "a chain refused with EFAULT changed results[0] to %#x: the probe must leave no trace", *slot0)
	n, _ = unix.Read(p[0], make([]byte, 8))
	s.check(n <= 0, "a chain refused with EFAULT ran its step: the pipe holds %d bytes", n)

	// Results unmapped mid-run (by a step, so the timing is exact): the
	// status still says what ran, with bit 20 set because the results
	// could not be written, and nothing crashes.
	rm, err := unix.Mmap(-1, 0, int(page), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		s.errorf("mmap: %v", err)
		return
	}
	rmb := uintptr(unsafe.Pointer(&rm[0]))
	wu := enc(step{nr: unix.SYS_GETPPID}, step{nr: unix.SYS_MUNMAP, args: []uintptr{rmb, page}}, step{nr: unix.SYS_GETPPID})
	st, e = call(uintptr(len(wu)), unsafe.Pointer(&wu[0]), addr(rmb), 0)
	s.check(e == 0 && st == statusResultsNotWritten|3, "results unmapped by a step: status %#x errno %v, want %#x (3 steps, END, results not written)", st, e, statusResultsNotWritten|3)

	// Bad pointers as step arguments: the step's own -EFAULT.
	ppid := uintptr(os.Getppid())
	expect(s, "unmapped pointer argument", enc(step{nr: unix.SYS_UNAME, args: []uintptr{base + page}}, step{nr: unix.SYS_GETPPID}), 2, 0, 2, whyEnd,
		[]uintptr{neg(unix.EFAULT), ppid})
	expect(s, "kernel pointer argument", enc(step{nr: unix.SYS_UNAME, args: []uintptr{0xffff888000000000}}, step{nr: unix.SYS_GETPPID}), 2, 0, 2, whyEnd,
		[]uintptr{neg(unix.EFAULT), ppid})
	goruntime.KeepAlive(msg)
	goruntime.KeepAlive(w)
	goruntime.KeepAlive(w2)
}
