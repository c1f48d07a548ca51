//go:build linux && (amd64 || arm64)

package runtime

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// KernelPriority is the kernel backend's registration priority: above
// interp (0), because one kernel entry per chain is never slower than one
// per step.
const KernelPriority = 100

// ErrNoKernel is returned (wrapped) by the kernel backend on a kernel
// without sys_chain.
var ErrNoKernel = errors.New("syschain: this kernel has no sys_chain (syscall 500); boot a kernel with the patches in kernel/patches (make kernel-test shows how), or use the interp backend")

// Kernel is the sys_chain backend: the whole chain runs in one syscall,
// in a kernel built with kernel/patches. It hands Program.Words to the
// kernel as is and returns the kernel's results and status word, which
// shared code turns into the same Result and *StepError as interp's.
//
// The kernel refuses chains for tasks under ptrace syscall tracing, a
// tracer that asked for seccomp events, or syscall audit (EOPNOTSUPP),
// since those would see only the chain; Exec reports that refusal as an
// error wrapping ErrTraced, and Run (the default backend) then runs the
// chain on interp instead, whose steps they see one by one.
type Kernel struct{}

func init() { RegisterBackend(Kernel{}, KernelPriority) }

// Name returns "kernel".
func (Kernel) Name() string { return "kernel" }

// Available probes for sys_chain once (the registry keeps the answer).
// The probe is a real one-step chain, getpid(), so a kernel that gives
// number 500 to something else is not mistaken for sys_chain. A task
// under a seccomp filter is not probed: an unknown syscall may kill it
// there; such a task can still use Kernel{} explicitly.
func (Kernel) Available() error {
	if filtered() {
		return errors.New("syschain: the kernel backend is not probed under a seccomp filter (an unknown syscall may be fatal there); pass runtime.Kernel{} explicitly if the filter allows syscall 500")
	}
	words := [3]uintptr{unix.SYS_GETPID, 0, 0} // getpid(), no conditions
	var res [1]uintptr
	st, _, e := unix.RawSyscall6(SysChain, uintptr(len(words)), uintptr(unsafe.Pointer(&words[0])),
		uintptr(unsafe.Pointer(&res[0])), 0, 0, 0)
	switch {
	case e == unix.ENOSYS:
		return fmt.Errorf("%w (%w)", ErrNoKernel, e)
	case e == unix.EOPNOTSUPP:
		// sys_chain is there but refuses while this task is traced
		// or audited; Run falls back to interp chain by chain.
		return nil
	case e != 0:
		return fmt.Errorf("syschain: probing sys_chain (syscall %d) failed: %w; the kernel backend is unavailable", SysChain, e)
	case st != 1 || res[0] != uintptr(os.Getpid()):
		return fmt.Errorf("syschain: syscall %d is not sys_chain on this kernel (a getpid chain returned status %#x, result %d); the kernel backend is unavailable", SysChain, st, res[0])
	}
	// Built chains run as version 2 (FlagV2); a sys_chain from before it
	// refuses the flag.
	_, _, e = unix.RawSyscall6(SysChain, uintptr(len(words)), uintptr(unsafe.Pointer(&words[0])),
		uintptr(unsafe.Pointer(&res[0])), FlagV2, 0, 0)
	if e != 0 {
		return fmt.Errorf("syschain: this kernel's sys_chain refuses FlagV2 (%w): it predates wire-format version 2 (cleanup steps, resumable signal stops); rebuild it from kernel/patches", e)
	}
	return nil
}

// filtered reports whether the calling thread runs under a seccomp filter.
func filtered() bool {
	b, err := os.ReadFile("/proc/thread-self/status")
	if err != nil {
		return false
	}
	i := bytes.Index(b, []byte("\nSeccomp:"))
	if i < 0 {
		return false
	}
	f := bytes.Fields(b[i+len("\nSeccomp:"):])
	return len(f) > 0 && string(f[0]) != "0"
}

// Exec runs p in one sys_chain call, with p's flags (FlagV2 for built
// chains). A version-2 chain that a signal stopped (Pause, Restart) is
// resumed by Run through ExecFrom.
func (Kernel) Exec(p *Program, results []uintptr) (uintptr, error) {
	return kernelExec(p, results, p.flags)
}

// ExecFrom resumes a version-2 chain at step k: sys_chain with
// FlagResume reads results[0:k] back and starts at step k (Resumer).
func (Kernel) ExecFrom(p *Program, results []uintptr, k int) (uintptr, error) {
	if p.flags&FlagV2 == 0 || k < 0 || k > 0x1ff {
		return 0, fmt.Errorf("syschain: kernel backend: cannot resume a version-1 chain or at step %d", k)
	}
	return kernelExec(p, results, p.flags|FlagResume|uintptr(k)<<ResumeShift)
}

func kernelExec(p *Program, results []uintptr, flags uintptr) (uintptr, error) {
	w := p.Words()
	if len(results) < p.Len() {
		return 0, fmt.Errorf("syschain: kernel backend: %d result slots for a %d-step chain", len(results), p.Len())
	}
	// Empty words or results go to the kernel as NULL: it is the judge
	// of what it accepts (no words is EINVAL there).
	var wp, rp unsafe.Pointer
	if len(w) > 0 {
		wp = unsafe.Pointer(&w[0])
	}
	if len(results) > 0 {
		rp = unsafe.Pointer(&results[0])
	}
	// A chain may block in any step that is not NoBlock, so it goes
	// through Syscall6, which lets the Go scheduler run other goroutines
	// meanwhile. A chain of NoBlock steps only never blocks: like the
	// interpreter's NoBlock steps, it skips that hand-off.
	var (
		st uintptr
		e  unix.Errno
	)
	if allNoBlock(p) {
		st, _, e = unix.RawSyscall6(SysChain, uintptr(len(w)), uintptr(wp), uintptr(rp), flags, 0, 0)
	} else {
		st, _, e = unix.Syscall6(SysChain, uintptr(len(w)), uintptr(wp), uintptr(rp), flags, 0, 0)
	}
	if e != 0 {
		return 0, kernelRefusal(e)
	}
	return st, nil
}

// kernelRefusal explains why sys_chain refused a chain the Go validator
// accepted. The errno stays matchable with errors.Is.
func kernelRefusal(e unix.Errno) error {
	var why string
	switch e {
	case unix.ENOSYS:
		return fmt.Errorf("%w (%w)", ErrNoKernel, e)
	case unix.EOPNOTSUPP:
		return fmt.Errorf("%w (%w)", ErrTraced, e)
	case unix.EPERM:
		why = "a step's syscall is on the kernel's deny list but not on the Go validator's (the two disagree, which is a bug: please report it with the chain's String()), or a seccomp filter denies syscall 500"
	case unix.EINVAL, unix.E2BIG:
		why = "the kernel found the words malformed; for a chain the Go validator accepted, the two disagree, which is a bug: please report it with the chain's String()"
	case unix.EFAULT:
		why = "the chain's words or results were not readable/writable by the kernel"
	case unix.ENOMEM:
		why = "the kernel could not allocate the chain's copy"
	default:
		why = "unexpected error"
	}
	return fmt.Errorf("syschain: kernel backend: sys_chain refused the chain: %s: %w", why, e)
}

// allNoBlock reports whether every step of p is marked NoBlock (worked
// out when p was compiled). A raw program (words only) has no steps here
// and counts as blocking.
func allNoBlock(p *Program) bool { return p.noblock }
