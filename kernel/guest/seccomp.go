//go:build linux && (amd64 || arm64)

package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	goruntime "runtime"
	"syscall"
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
	out, err := child("seccomp-child", "errno")
	s.logf("%s", bytes.TrimSpace(out))
	if err != nil {
		s.errorf("errno child: %v", err)
	}

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
	// getgid → USER_NOTIF; everything else allowed.
	prog := []unix.SockFilter{
		bpf(ldW, 0, 0, 4),
		bpf(jeqK, 1, 0, auditArch),
		bpf(retK, 0, 0, unix.SECCOMP_RET_KILL_PROCESS),
		bpf(ldW, 0, 0, 0),
		bpf(jeqK, 0, 3, unix.SYS_WRITE),
		bpf(ldW, 0, 0, argLo(0)),
		bpf(jeqK, 0, 5, deniedFD),
		bpf(retK, 0, 0, unix.SECCOMP_RET_ERRNO|uint32(unix.EACCES)),
		bpf(jeqK, 0, 1, unix.SYS_GETEGID),
		bpf(retK, 0, 0, unix.SECCOMP_RET_TRACE),
		bpf(jeqK, 0, 1, unix.SYS_GETGID),
		bpf(retK, 0, 0, unix.SECCOMP_RET_USER_NOTIF),
		bpf(retK, 0, 0, unix.SECCOMP_RET_ALLOW),
	}
	listener, err := installFilter(prog, unix.SECCOMP_FILTER_FLAG_NEW_LISTENER)
	if err != nil {
		s.errorf("install filter: %v", err)
		return
	}
	// The supervisor: a getgid step with args[0] == 1 is answered with
	// 4242 (emulated); any other getgid continues to the real call.
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
			if req.args[0] == 1 {
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
	// A direct getgid (notified too: it continues), made with Syscall so
	// the listener goroutine can have this thread's P meanwhile.
	gid, _, _ := unix.Syscall(unix.SYS_GETGID, 0, 0, 0)
	expect(s, "USER_NOTIF: the listener lets the step continue", enc(step{nr: unix.SYS_GETGID, args: []uintptr{7}}), 1, 0, 1, whyEnd, []uintptr{gid})
	// The listener saw each step's own data, not the chain's registers.
	for i := 0; i < 3; i++ { // two chain steps and the direct Getgid
		select {
		case req := <-seen:
			s.check(req.nr == unix.SYS_GETGID && req.arch == auditArch, "USER_NOTIF saw nr %d arch %#x, want getgid, %s", req.nr, req.arch, archName)
			if i == 0 {
				s.check(req.args[0] == 1, "USER_NOTIF saw args[0] %d, want the step's 1", req.args[0])
			}
		default:
			s.errorf("USER_NOTIF: the listener got %d notifications, want 3", i)
			i = 3
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
	prog2 := []unix.SockFilter{
		bpf(ldW, 0, 0, 0),
		bpf(jeqK, 0, 1, sysChain),
		bpf(retK, 0, 0, unix.SECCOMP_RET_ERRNO|uint32(unix.ENOMSG)),
		bpf(retK, 0, 0, unix.SECCOMP_RET_ALLOW),
	}
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
	prog := []unix.SockFilter{
		bpf(ldW, 0, 0, 0),
		bpf(jeqK, 0, 1, unix.SYS_GETUID),
		bpf(retK, 0, 0, unix.SECCOMP_RET_KILL_PROCESS),
		bpf(retK, 0, 0, unix.SECCOMP_RET_ALLOW),
	}
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
