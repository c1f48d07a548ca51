//go:build linux && (amd64 || arm64)

package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/signal"
	goruntime "runtime"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"github.com/syschain/syschain/runtime"
	"golang.org/x/sys/unix"
)

// The seccomp tests run in children: a filter cannot be removed. The
// "errno" child checks each filter action a step can meet; the "kill"
// child must die of SIGSYS at the step its filter kills, before the
// step after it (a write to a pipe the parent reads) runs.

const (
	deniedFD = 100 // write(deniedFD, ...) is denied with EACCES
	notifFD  = 101 // a /dev/null the filter leaves alone
)

func testSeccomp(s *section) {
	for _, mode := range []string{"errno", "log", "notif-intr", "midchain", "restart512"} {
		out, err := child("seccomp-child", mode)
		s.logf("%s", bytes.TrimSpace(out))
		if err != nil {
			s.errorf("%s child: %v", mode, err)
		}
	}

	seccompTrapTest(s)

	// The kill child writes "ran" to fd 3 after the killed step: it must
	// never get there.
	pr, pw, err := os.Pipe()
	if err != nil {
		s.errorf("pipe: %v", err)
		return
	}
	cmd := selfCmd("seccomp-child", "kill")
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr, cmd.ExtraFiles = &buf, &buf, []*os.File{pw}
	err = cmd.Run()
	pw.Close()
	leak := make([]byte, 16)
	n, _ := pr.Read(leak)
	pr.Close()
	ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
	s.check(ws.Signaled() && ws.Signal() == unix.SIGSYS, "kill child: want death by SIGSYS, got %v (%s)", err, bytes.TrimSpace(buf.Bytes()))
	s.check(n == 0, "kill child: the step after the killed one ran (%q)", leak[:n])
	if ws.Signaled() && ws.Signal() == unix.SIGSYS && n == 0 {
		s.logf("KILL_PROCESS on a step: the task died of SIGSYS before the next step")
	}
}

// child runs /init in a mode with its output captured.
func child(mode ...string) ([]byte, error) {
	cmd := selfCmd(mode...)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	return buf.Bytes(), err
}

// bpf builds a classic BPF instruction.
func bpf(code uint16, jt, jf uint8, k uint32) unix.SockFilter {
	return unix.SockFilter{Code: code, Jt: jt, Jf: jf, K: k}
}

// oneCallFilter is a filter program that answers syscall nr with action
// and allows every other call.
func oneCallFilter(nr, action uint32) []unix.SockFilter {
	return []unix.SockFilter{
		bpf(ldW, 0, 0, 0),
		bpf(jeqK, 0, 1, nr),
		bpf(retK, 0, 0, action),
		bpf(retK, 0, 0, unix.SECCOMP_RET_ALLOW),
	}
}

const (
	ldW  = unix.BPF_LD | unix.BPF_W | unix.BPF_ABS
	jeqK = unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K
	retK = unix.BPF_RET | unix.BPF_K
)

// installFilter installs prog on the calling thread only (no TSYNC), so
// a supervisor goroutine on another thread can answer USER_NOTIF.
func installFilter(prog []unix.SockFilter, flags uintptr) (int, error) {
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return -1, err
	}
	fp := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	r, _, e := unix.RawSyscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, flags, uintptr(unsafe.Pointer(&fp)))
	if e != 0 {
		return -1, e
	}
	return int(r), nil
}

// seccompData offsets: nr at 0, arch at 4, args[i] at 16+8i.
func argLo(i int) uint32 { return uint32(16 + 8*i) }

type seccompNotif struct {
	id    uint64
	pid   uint32
	flags uint32
	nr    int32
	arch  uint32
	ip    uint64
	args  [6]uint64
}

type seccompNotifResp struct {
	id    uint64
	val   int64
	error int32
	flags uint32
}

func seccompChild() int {
	goruntime.LockOSThread() // the filter is this thread's
	s := &section{name: "seccomp"}
	mode := ""
	if len(os.Args) > 2 {
		mode = os.Args[2]
	}
	switch mode {
	case "errno":
		seccompErrno(s)
	case "kill":
		seccompKill(s)
	case "trap":
		seccompTrap(s)
	case "log":
		seccompLog(s)
	case "notif-intr":
		seccompNotifIntr(s)
	case "midchain":
		seccompMidChain(s)
	case "restart512":
		seccompRestart512(s)
	default:
		s.errorf("unknown seccomp-child mode %q", mode)
	}
	for _, n := range s.notes {
		fmt.Println(n)
	}
	for _, f := range s.fails {
		fmt.Println("FAIL:", f)
	}
	if len(s.fails) > 0 {
		return 1
	}
	return 0
}

func seccompErrno(s *section) {
	null, err := unix.Open("/dev/null", unix.O_WRONLY, 0)
	if err != nil {
		s.errorf("open /dev/null: %v", err)
		return
	}
	unix.Dup3(null, deniedFD, 0)
	unix.Dup3(null, notifFD, 0)
	ppid := uintptr(os.Getppid())

	// write(deniedFD) → ERRNO(EACCES); getegid → TRACE (no tracer);
	// getgid and lseek → USER_NOTIF; everything else allowed.
	prog := []unix.SockFilter{
		bpf(ldW, 0, 0, 4),
		bpf(jeqK, 1, 0, auditArch),
		bpf(retK, 0, 0, unix.SECCOMP_RET_KILL_PROCESS),
		bpf(ldW, 0, 0, 0),
		bpf(jeqK, 0, 3, unix.SYS_WRITE),
		bpf(ldW, 0, 0, argLo(0)),
		bpf(jeqK, 0, 7, deniedFD),
		bpf(retK, 0, 0, unix.SECCOMP_RET_ERRNO|uint32(unix.EACCES)),
		bpf(jeqK, 0, 1, unix.SYS_GETEGID),
		bpf(retK, 0, 0, unix.SECCOMP_RET_TRACE),
		bpf(jeqK, 0, 1, unix.SYS_GETGID),
		bpf(retK, 0, 0, unix.SECCOMP_RET_USER_NOTIF),
		bpf(jeqK, 0, 1, unix.SYS_LSEEK),
		bpf(retK, 0, 0, unix.SECCOMP_RET_USER_NOTIF),
		bpf(retK, 0, 0, unix.SECCOMP_RET_ALLOW),
	}
	listener, err := installFilter(prog, unix.SECCOMP_FILTER_FLAG_NEW_LISTENER)
	if err != nil {
		s.errorf("install filter: %v", err)
		return
	}
	// The supervisor: a getgid step with args[0] == 1 is answered with
	// 4242 (emulated); any other call continues to the real one (the
	// kernel requires val and error 0 with CONTINUE, so the proof that
	// the real call ran is its effect: the lseek below).
	seen := make(chan seccompNotif, 8)
	go func() {
		for {
			var req seccompNotif
			if _, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(listener), unix.SECCOMP_IOCTL_NOTIF_RECV, uintptr(unsafe.Pointer(&req))); e != 0 {
				if e == unix.EINTR {
					continue
				}
				return
			}
			seen <- req
			resp := seccompNotifResp{id: req.id}
			if req.nr == unix.SYS_GETGID && req.args[0] == 1 {
				resp.val = 4242
			} else {
				resp.flags = unix.SECCOMP_USER_NOTIF_FLAG_CONTINUE
			}
			unix.Syscall(unix.SYS_IOCTL, uintptr(listener), unix.SECCOMP_IOCTL_NOTIF_SEND, uintptr(unsafe.Pointer(&resp)))
		}
	}()

	msg := []byte("x")
	mp := uintptr(unsafe.Pointer(&msg[0]))
	_, err = unix.Write(deniedFD, msg)
	s.check(errors.Is(err, unix.EACCES), "direct write to the denied fd: %v, want EACCES", err)

	w := step{nr: unix.SYS_WRITE, args: []uintptr{deniedFD, mp, 1}}
	ok := step{nr: unix.SYS_WRITE, args: []uintptr{notifFD, mp, 1}}
	gp := step{nr: unix.SYS_GETPPID}
	canc := neg(unix.ECANCELED)
	expect(s, "ERRNO: a denied write in a chain", enc(gp, w, ok), 3, 0, 3, whyEnd, []uintptr{ppid, neg(unix.EACCES), 1})
	ws := w
	ws.errstop = true
	expect(s, "ERRNO: a denied write stops an errstop chain", enc(ws, gp), 2, 0, 1, whyErrStop, []uintptr{neg(unix.EACCES), canc})
	expect(s, "TRACE without a tracer: ENOSYS", enc(step{nr: unix.SYS_GETEGID}, gp), 2, 0, 2, whyEnd, []uintptr{neg(unix.ENOSYS), ppid})
	expect(s, "USER_NOTIF: the listener emulates the step", enc(step{nr: unix.SYS_GETGID, args: []uintptr{1}}, gp), 2, 0, 2, whyEnd, []uintptr{4242, ppid})
	// CONTINUE must run the real call: an lseek to 12345 on a memfd
	// returns 12345 and moves the offset, which a kernel that ignored
	// CONTINUE and returned the reply's value (0) cannot fake. The direct lseek that reads the offset back is
	// notified too (and continues); Syscall lets the listener goroutine
	// have this thread's P meanwhile.
	mfd, err := unix.MemfdCreate("cont", unix.MFD_CLOEXEC)
	if err != nil {
		s.errorf("memfd_create: %v", err)
		return
	}
	expect(s, "USER_NOTIF: the listener lets the step continue (lseek to 12345)",
		enc(step{nr: unix.SYS_LSEEK, args: []uintptr{uintptr(mfd), 12345, unix.SEEK_SET}}), 1, 0, 1, whyEnd, []uintptr{12345})
	off, _, _ := unix.Syscall(unix.SYS_LSEEK, uintptr(mfd), 0, unix.SEEK_CUR)
	s.check(off == 12345, "after a CONTINUEd lseek step the offset is %d, want 12345 (the real call must have run)", off)
	// The listener saw each step's own data, not the chain's registers.
	wantNr := []int32{unix.SYS_GETGID, unix.SYS_LSEEK, unix.SYS_LSEEK}
	for i := range wantNr {
		select {
		case req := <-seen:
			s.check(req.nr == wantNr[i] && req.arch == auditArch, "USER_NOTIF %d saw nr %d arch %#x, want %d, %s", i, req.nr, req.arch, wantNr[i], archName)
			if i == 0 {
				s.check(req.args[0] == 1, "USER_NOTIF saw args[0] %d, want the step's 1", req.args[0])
			}
			if i == 1 {
				s.check(req.args[1] == 12345, "USER_NOTIF saw lseek's args[1] %d, want the step's 12345", req.args[1])
			}
		default:
			s.errorf("USER_NOTIF: the listener got %d notifications, want %d", i, len(wantNr))
			i = len(wantNr)
		}
	}

	// The runtime: Kernel{} is not probed under a filter, but runs when
	// chosen, and reports the denied step like interp does.
	s.check((runtime.Kernel{}).Available() != nil, "Kernel.Available probed sys_chain under a seccomp filter")
	s.check(runtime.DefaultBackend(nil).Name() == "interp", "default backend under a filter is %s, want interp", runtime.DefaultBackend(nil).Name())
	var c runtime.Chain
	c.Syscall(unix.SYS_GETPPID).Syscall(unix.SYS_WRITE, deniedFD, msg, 1).Syscall(unix.SYS_GETPPID)
	rk, errK := c.RunOn(runtime.Kernel{})
	ri, errI := c.RunOn(runtime.Interp{})
	s.check(errors.Is(errK, unix.EACCES), "runtime on kernel: %v, want a StepError with EACCES", errK)
	s.check(fmt.Sprint(errK) == fmt.Sprint(errI), "kernel and interp disagree under seccomp: %v vs %v", errK, errI)
	if rk != nil && ri != nil {
		s.check(rk.Steps == ri.Steps && rk.Why == ri.Why && rk.Ret(1) == ri.Ret(1), "kernel %d/%v/%d vs interp %d/%v/%d", rk.Steps, rk.Why, rk.Ret(1), ri.Steps, ri.Why, ri.Ret(1))
	}

	// A second filter that denies sys_chain itself.
	prog2 := oneCallFilter(sysChain, unix.SECCOMP_RET_ERRNO|uint32(unix.ENOMSG))
	if _, err := installFilter(prog2, 0); err != nil {
		s.errorf("install second filter: %v", err)
		return
	}
	expect(s, "a filter denying sys_chain", enc(gp), 1, unix.ENOMSG, 0, 0, nil)
	_, errK = c.RunOn(runtime.Kernel{})
	s.check(errors.Is(errK, unix.ENOMSG), "runtime on kernel with sys_chain denied: %v, want ENOMSG", errK)
	if len(s.fails) == 0 {
		s.logf("seccomp: ERRNO, TRACE (no tracer), USER_NOTIF (emulate, continue) apply per step; a filter can deny sys_chain")
	}
	goruntime.KeepAlive(msg)
}

func seccompKill(s *section) {
	prog := oneCallFilter(unix.SYS_GETUID, unix.SECCOMP_RET_KILL_PROCESS)
	if _, err := installFilter(prog, 0); err != nil {
		s.errorf("install filter: %v", err)
		return
	}
	msg := []byte("ran")
	w := step{nr: unix.SYS_WRITE, args: []uintptr{3, uintptr(unsafe.Pointer(&msg[0])), 3}}
	st, _, e := run(enc(step{nr: unix.SYS_GETPPID}, step{nr: unix.SYS_GETUID}, w), 3)
	s.errorf("survived a KILL_PROCESS step: status %#x errno %v", st, e)
	goruntime.KeepAlive(msg)
}

// seccompTrapTest: SECCOMP_RET_TRAP on a step (contract L). The step does
// not run, its result is -ENOSYS, SIGSYS is queued, and the pending signal
// stops the chain before its next step (a write to a pipe the parent
// checks); the results are copied out before the signal is delivered. The
// Go runtime treats a kernel-sent SIGSYS as fatal ("SIGSYS: bad system
// call"), which is the proof the signal arrived; the child's results array
// is a shared memfd page, so the parent reads them after its death. The
// status word (v2 PAUSE), si_syscall and the handler's view (review R6)
// need a SIGSYS handler: the kselftest checks those.
func seccompTrapTest(s *section) {
	pr, pw, err := os.Pipe()
	if err != nil {
		s.errorf("pipe: %v", err)
		return
	}
	mfd, err := unix.MemfdCreate("trap-results", unix.MFD_CLOEXEC)
	if err != nil {
		s.errorf("memfd_create: %v", err)
		return
	}
	mf := os.NewFile(uintptr(mfd), "trap-results")
	defer mf.Close()
	marker := make([]byte, 4*8)
	for i := range 4 {
		binary.NativeEndian.PutUint64(marker[8*i:], 0xdeadbeef)
	}
	mf.WriteAt(marker, 0)
	mf.Truncate(4096)
	cmd := selfCmd("seccomp-child", "trap")
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr, cmd.ExtraFiles = &buf, &buf, []*os.File{pw, mf}
	cmd.Run()
	pw.Close()
	got := make([]byte, 16)
	n, _ := pr.Read(got)
	pr.Close()
	out := buf.String()
	s.check(strings.Contains(out, "SIGSYS: bad system call") && !strings.Contains(out, "survived"), "TRAP child: want the Go runtime's SIGSYS crash, got %v: %.300s", cmd.ProcessState, out)
	s.check(n == 0, "TRAP: the step after the trapped one ran (%q)", got[:n])
	res := make([]byte, 4*8)
	mf.ReadAt(res, 0)
	r := func(i int) uintptr { return uintptr(binary.NativeEndian.Uint64(res[8*i:])) }
	s.check(r(0) == uintptr(os.Getpid()) && r(1) == neg(unix.ENOSYS) && r(2) == neg(unix.ECANCELED) && r(3) == 0xdeadbeef,
		"TRAP: results %#x %#x %#x %#x, want the child's ppid %d, -ENOSYS (the trapped step), -ECANCELED (never ran), the marker", r(0), r(1), r(2), r(3), os.Getpid())
	if len(s.fails) == 0 {
		s.logf("TRAP: SIGSYS delivered (the Go runtime's fatal handler ran) after the results were written: the trapped step -ENOSYS, the step after it never ran (-ECANCELED)")
	}
}

func seccompTrap(s *section) {
	prog := oneCallFilter(unix.SYS_GETUID, unix.SECCOMP_RET_TRAP|0x77)
	// fd 4: the parent's memfd, the results array.
	mem, err := unix.Mmap(4, 0, 4096, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		s.errorf("mmap the results memfd: %v", err)
		return
	}
	if _, err := installFilter(prog, 0); err != nil {
		s.errorf("install filter: %v", err)
		return
	}
	msg := []byte("ran")
	w := enc(step{nr: unix.SYS_GETPPID}, step{nr: unix.SYS_GETUID},
		step{nr: unix.SYS_WRITE, args: []uintptr{3, uintptr(unsafe.Pointer(&msg[0])), 3}})
	st, e := call(uintptr(len(w)), unsafe.Pointer(&w[0]), unsafe.Pointer(&mem[0]), fV2)
	fmt.Printf("survived the SIGSYS of a TRAP step: status %#x errno %v\n", st, e)
	goruntime.KeepAlive(msg)
}

// seccompLog: SECCOMP_RET_LOG lets the step run.
func seccompLog(s *section) {
	prog := oneCallFilter(unix.SYS_GETPPID, unix.SECCOMP_RET_LOG)
	if _, err := installFilter(prog, 0); err != nil {
		s.errorf("install filter: %v", err)
		return
	}
	ppid := uintptr(os.Getppid())
	expect(s, "LOG: the step runs", enc(step{nr: unix.SYS_GETPPID}, step{nr: unix.SYS_GETPID}), 2, 0, 2, whyEnd, []uintptr{ppid, uintptr(os.Getpid())})
	if len(s.fails) == 0 {
		s.logf("LOG: the logged step ran")
	}
}

// seccompNotifIntr: a USER_NOTIF step whose listener never answers is
// interrupted by a signal. The wait ends with -ERESTARTSYS and a signal
// pending: version 1 stores -EINTR and stops (INTR); version 2 stops with
// RESTART, the step's result staying -ECANCELED (a resume would notify
// again, as a direct call's restart does). The step after it never runs.
func seccompNotifIntr(s *section) {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, unix.SIGUSR1)
	prog := oneCallFilter(unix.SYS_GETGID, unix.SECCOMP_RET_USER_NOTIF)
	listener, err := installFilter(prog, unix.SECCOMP_FILTER_FLAG_NEW_LISTENER)
	if err != nil {
		s.errorf("install filter: %v", err)
		return
	}
	tid := unix.Gettid()
	// The listener takes each notification, never answers, and signals
	// the chain's thread instead.
	got := make(chan int32, 4)
	go func() {
		for {
			var req seccompNotif
			_, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(listener), unix.SECCOMP_IOCTL_NOTIF_RECV, uintptr(unsafe.Pointer(&req)))
			if e == unix.EINTR {
				continue
			}
			if e != 0 {
				return
			}
			got <- req.nr
			time.Sleep(50 * time.Millisecond)
			unix.Tgkill(unix.Getpid(), tid, unix.SIGUSR1)
		}
	}()
	msg := []byte("ran")
	var p [2]int
	unix.Pipe2(p[:], unix.O_NONBLOCK|unix.O_CLOEXEC)
	w := step{nr: unix.SYS_WRITE, args: []uintptr{uintptr(p[1]), uintptr(unsafe.Pointer(&msg[0])), 3}}
	canc := neg(unix.ECANCELED)
	expect(s, "USER_NOTIF wait interrupted by a signal (v1)", enc(step{nr: unix.SYS_GETGID}, w), 2, 0, 1, whyIntr,
		[]uintptr{neg(unix.EINTR), canc})
	expectWith(s, "USER_NOTIF wait interrupted by a signal (v2)", enc(step{nr: unix.SYS_GETGID}, w), 2, fV2, 0, 0, whyRestart,
		[]uintptr{canc, canc})
	for i := range 2 {
		select {
		case nr := <-got:
			s.check(nr == unix.SYS_GETGID, "notification %d: nr %d, want getgid", i, nr)
		case <-time.After(5 * time.Second):
			s.errorf("the listener got %d notifications, want 2 (one per chain)", i)
		}
	}
	n, _ := unix.Read(p[0], make([]byte, 8))
	s.check(n <= 0, "the step after the interrupted one ran")
	goruntime.KeepAlive(msg)
	if len(s.fails) == 0 {
		s.logf("USER_NOTIF: an interrupted wait stops the chain: v1 -EINTR and INTR, v2 RESTART with the step -ECANCELED; the next step never ran")
	}
}

// seccompRestart512 (review R8, contract F): a filter answering getppid
// with RET_ERRNO|512 (-ERESTARTSYS with no signal pending). Version 2
// stores -EINTR and goes on (it used to stop with RESTART at the same
// step on every resume: the runtime livelocked); version 1 stores -EINTR
// and stops with INTR as for any EINTR. The runtime's Run on the kernel
// (resuming) and on interp must both finish, with the same results.
func seccompRestart512(s *section) {
	prog := oneCallFilter(unix.SYS_GETPPID, unix.SECCOMP_RET_ERRNO|512)
	if _, err := installFilter(prog, 0); err != nil {
		s.errorf("install filter: %v", err)
		return
	}
	pid := uintptr(os.Getpid())
	eintr := neg(unix.EINTR)
	w := enc(step{nr: unix.SYS_GETPPID}, step{nr: unix.SYS_GETPID})
	expectWith(s, "v2: a step answered ERRNO|512 without a signal", w, 2, fV2, 0, 2, whyEnd, []uintptr{eintr, pid})
	expect(s, "v1: a step answered ERRNO|512 without a signal", w, 2, 0, 1, whyIntr, []uintptr{eintr, neg(unix.ECANCELED)})
	var c runtime.Chain
	c.Syscall(unix.SYS_GETPPID).AllowError().Syscall(unix.SYS_GETPID)
	for _, b := range []runtime.Backend{runtime.Kernel{}, runtime.Interp{}} {
		// On this (filtered) thread; a livelocked resume loop is ended
		// by the watchdog with a message.
		dog := time.AfterFunc(20*time.Second, func() {
			fmt.Printf("FAIL: runtime under ERRNO|512 on %s: no result after 20 s (a resume livelock)\n", b.Name())
			os.Exit(1)
		})
		r, err := c.RunOn(b)
		dog.Stop()
		s.check(err == nil && r.Steps == 2 && r.Why == runtime.End && r.Ret(0) == -int64(unix.EINTR) && r.Ret(1) == int64(pid),
			"runtime under ERRNO|512 on %s: %v, %+v; want getppid -EINTR then getpid", b.Name(), err, r)
	}
	if len(s.fails) == 0 {
		s.logf("ERRNO|512 without a signal: v2 stores -EINTR and goes on, v1 -EINTR and INTR; Run on kernel and interp finish alike")
	}
}

// seccompMidChain: a filter installed by a step applies from the next
// step on, in the same chain.
func seccompMidChain(s *section) {
	prog := oneCallFilter(unix.SYS_GETPPID, unix.SECCOMP_RET_ERRNO|uint32(unix.EXDEV))
	fp := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	ppid := uintptr(os.Getppid())
	gp := step{nr: unix.SYS_GETPPID}
	expect(s, "a filter installed mid-chain applies from the next step", enc(
		step{nr: unix.SYS_PRCTL, args: []uintptr{unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0}},
		gp,
		step{nr: unix.SYS_SECCOMP, args: []uintptr{unix.SECCOMP_SET_MODE_FILTER, 0, uintptr(unsafe.Pointer(&fp))}},
		gp), 4, 0, 4, whyEnd, []uintptr{0, ppid, 0, neg(unix.EXDEV)})
	goruntime.KeepAlive(prog)
	goruntime.KeepAlive(&fp)
	if len(s.fails) == 0 {
		s.logf("a filter installed by step 2 denied step 3 (EXDEV), step 1 ran")
	}
}
