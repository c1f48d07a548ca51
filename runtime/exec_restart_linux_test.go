//go:build linux && (amd64 || arm64)

package runtime

import (
	"fmt"
	"os"
	"os/exec"
	goruntime "runtime"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// A seccomp filter answering a step with RET_ERRNO|512 (ERESTARTSYS, no
// signal pending) makes the step's result -EINTR and the chain go on
// (review R8, docs/wire-format.md "Version 2"): interp must not stop with
// Restart, which Run would resume into the same answer forever. The
// filter is installed in a child process (it cannot be removed).
func TestInterpRestartCodeWithoutSignal(t *testing.T) {
	if os.Getenv("SYSCHAIN_R8_CHILD") == "1" {
		restartChild()
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestInterpRestartCodeWithoutSignal$", "-test.count=1")
	cmd.Env = append(os.Environ(), "SYSCHAIN_R8_CHILD=1")
	out, err := cmd.CombinedOutput()
	if strings.Contains(string(out), "SKIP-R8") {
		t.Skipf("NOT CHECKED: %s", out)
	}
	if err != nil || !strings.Contains(string(out), "R8-OK") {
		t.Fatalf("child: %v\n%s", err, out)
	}
}

func restartChild() {
	goruntime.LockOSThread() // the filter is this thread's (no TSYNC)
	// Load the syscall number; getppid -> ERRNO|512, anything else ALLOW.
	prog := []unix.SockFilter{
		{Code: unix.BPF_LD | unix.BPF_W | unix.BPF_ABS, K: 0},
		{Code: unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K, Jt: 0, Jf: 1, K: unix.SYS_GETPPID},
		{Code: unix.BPF_RET | unix.BPF_K, K: unix.SECCOMP_RET_ERRNO | 512},
		{Code: unix.BPF_RET | unix.BPF_K, K: unix.SECCOMP_RET_ALLOW},
	}
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		fmt.Println("SKIP-R8 no_new_privs:", err)
		return
	}
	if err := unix.Prctl(unix.PR_SET_SECCOMP, unix.SECCOMP_MODE_FILTER, uintptr(unsafe.Pointer(&fprog)), 0, 0); err != nil {
		fmt.Println("SKIP-R8 seccomp:", err)
		return
	}
	var c Chain
	c.Syscall(unix.SYS_GETPPID).AllowError().Syscall(unix.SYS_GETPID)
	r, err := c.RunOn(Interp{})
	if err != nil || r.Why != End || r.Steps != 2 || r.Ret(0) != -int64(unix.EINTR) || r.Ret(1) != int64(os.Getpid()) {
		fmt.Printf("R8-FAIL: %v, %+v: want getppid -EINTR and the chain going on to getpid\n", err, r)
		return
	}
	fmt.Println("R8-OK")
}
