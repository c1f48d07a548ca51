//go:build linux && (amd64 || arm64)

package runtime

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// The kernel backend's behaviour on a sys_chain kernel is tested inside
// the QEMU guest (kernel/guest, make kernel-test), which runs the
// conformance suite on it. These tests cover what every host sees.

func TestKernelAvailability(t *testing.T) {
	err := (Kernel{}).Available()
	switch {
	case err == nil:
		// A sys_chain kernel: one chain must give interp's answer.
		var c Chain
		c.Syscall(unix.SYS_GETPID).Syscall(unix.SYS_CLOSE, -1).Syscall(unix.SYS_GETPPID)
		rk, ek := c.RunOn(Kernel{})
		ri, ei := c.RunOn(Interp{})
		if ek == nil || ek.Error() != ei.Error() || rk.Steps != ri.Steps || rk.Ret(1) != ri.Ret(1) {
			t.Errorf("kernel %v (%+v) vs interp %v (%+v)", ek, rk, ei, ri)
		}
		if DefaultBackend(nil).Name() != "kernel" {
			t.Errorf("default backend %s on a sys_chain kernel", DefaultBackend(nil).Name())
		}
	case filtered():
		if !strings.Contains(err.Error(), "seccomp") {
			t.Errorf("under a seccomp filter Available said %v", err)
		}
	default:
		if !errors.Is(err, ErrNoKernel) {
			t.Fatalf("Available on a kernel without sys_chain: %v, want ErrNoKernel", err)
		}
		if DefaultBackend(nil).Name() == "kernel" {
			t.Error("the default backend is kernel on a kernel without sys_chain")
		}
		// Asked for explicitly: a clear error, not a silent fallback.
		if _, err := BackendByName("kernel"); err == nil || !strings.Contains(err.Error(), "sys_chain") {
			t.Errorf("BackendByName(kernel) = %v, want an error naming sys_chain", err)
		}
		var c Chain
		c.Syscall(unix.SYS_GETPID)
		if _, err := c.RunOn(Kernel{}); !errors.Is(err, ErrNoKernel) {
			t.Errorf("RunOn(Kernel{}) without sys_chain: %v, want ErrNoKernel", err)
		}
	}
}

func TestKernelRefusal(t *testing.T) {
	for _, c := range []struct {
		e    unix.Errno
		want string
	}{
		{unix.EPERM, "deny list"},
		{unix.EINVAL, "disagree"},
		{unix.E2BIG, "disagree"},
		{unix.EFAULT, "readable"},
		{unix.ENOMEM, "allocate"},
	} {
		err := kernelRefusal(c.e)
		if !errors.Is(err, c.e) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("kernelRefusal(%v) = %v: want errors.Is %v and %q in the text", c.e, err, c.e, c.want)
		}
	}
	if err := kernelRefusal(unix.EOPNOTSUPP); !errors.Is(err, ErrTraced) || !errors.Is(err, unix.EOPNOTSUPP) || !strings.Contains(err.Error(), "strace") {
		t.Errorf("kernelRefusal(EOPNOTSUPP) = %v, want ErrTraced naming strace", err)
	}
	if err := kernelRefusal(unix.ENOSYS); !errors.Is(err, ErrNoKernel) || !errors.Is(err, unix.ENOSYS) {
		t.Errorf("kernelRefusal(ENOSYS) = %v, want ErrNoKernel", err)
	}
}
