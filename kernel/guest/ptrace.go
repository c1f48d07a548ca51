//go:build linux && (amd64 || arm64)

package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	goruntime "runtime"
	"strings"
	"syscall"

	"github.com/syschain/syschain/runtime"
	"golang.org/x/sys/unix"
)

// testPtrace: a tracer stopping at every syscall (PTRACE_SYSCALL) would
// see only sys_chain, so the kernel refuses chains then (EPERM); a tracer
// that is attached but does not trace syscalls (PTRACE_CONT) does not
// stop chains.
func testPtrace(s *section) {
	for _, mode := range []string{"syscall", "cont"} {
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
		if mode == "syscall" && err == nil {
			s.check(stops > 0, "PTRACE_SYSCALL saw no syscall stops")
		}
	}
}

// traced runs the ptrace child under this thread's trace, resuming it with
// PTRACE_SYSCALL or PTRACE_CONT, passing its signals through.
func traced(mode string) ([]byte, int, error) {
	goruntime.LockOSThread() // ptrace requests must come from the tracer thread
	defer goruntime.UnlockOSThread()
	cmd := selfCmd("ptrace-child", mode)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	cmd.SysProcAttr = &syscall.SysProcAttr{Ptrace: true}
	if err := cmd.Start(); err != nil {
		return nil, 0, err
	}
	pid := cmd.Process.Pid
	var ws unix.WaitStatus
	if _, err := unix.Wait4(pid, &ws, 0, nil); err != nil {
		return nil, 0, err
	}
	unix.PtraceSetOptions(pid, unix.PTRACE_O_TRACESYSGOOD|unix.PTRACE_O_EXITKILL)
	stops, sig := 0, 0
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
				stops++
			case unix.SIGTRAP:
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
	st, res, e := run(enc(step{nr: unix.SYS_GETPPID}), 1)
	var c runtime.Chain
	c.Syscall(unix.SYS_GETPPID)
	_, rerr := c.RunOn(runtime.Kernel{})
	switch mode {
	case "syscall":
		if e != unix.EPERM {
			fmt.Printf("FAIL: under PTRACE_SYSCALL a chain returned status %#x errno %v, want EPERM\n", st, e)
			return 1
		}
		if !errors.Is(rerr, unix.EPERM) || !strings.Contains(fmt.Sprint(rerr), "ptrace") {
			fmt.Printf("FAIL: under PTRACE_SYSCALL the kernel backend said %v, want an EPERM naming ptrace\n", rerr)
			return 1
		}
		fmt.Println("under PTRACE_SYSCALL: chain refused with EPERM; backend error names ptrace")
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

// The traced thread is the one that exec'd: keep main on it.
func init() {
	if len(os.Args) > 1 && os.Args[1] == "ptrace-child" {
		goruntime.LockOSThread()
	}
}
