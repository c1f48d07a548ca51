package runtime

import (
	"errors"
	"testing"

	"golang.org/x/sys/unix"
)

// TestPreparedKernel: a chain prepared for the kernel backend goes to
// Kernel.Exec directly (viaKernel). On a sys_chain kernel it gives
// interp's results; elsewhere each run is refused with ErrNoKernel,
// nothing run. (The guest, make kernel-test, runs the conformance suite
// through prepared chains on the kernel.)
func TestPreparedKernel(t *testing.T) {
	var c Chain
	c.Syscall(unix.SYS_GETPID).Syscall(unix.SYS_CLOSE, -1).Syscall(unix.SYS_GETPPID)
	p, err := c.Program()
	if err != nil {
		t.Fatal(err)
	}
	if via(Kernel{}, p) != viaKernel || via(Interp{}, p) != viaInterp || via(&DryRun{}, p) != viaBackend {
		t.Fatalf("via: kernel %d, interp %d, dryrun %d", via(Kernel{}, p), via(Interp{}, p), via(&DryRun{}, p))
	}
	avail := (Kernel{}).Available()
	if avail != nil && filtered() {
		t.Skip("NOT CHECKED: under a seccomp filter syscall 500 may be fatal")
	}
	pc, err := p.Prepare(Kernel{})
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	var r, ri Result
	pc.Run(&r)
	if avail == nil {
		ei := p.RunInto(Interp{}, &ri)
		if r.Err() == nil || r.Err().Error() != ei.Error() || r.Steps != ri.Steps || r.Ret(1) != ri.Ret(1) {
			t.Errorf("kernel %v (%s) vs interp %v (%s)", r.Err(), r.String(), ei, ri.String())
		}
		return
	}
	if !errors.Is(r.Err(), ErrNoKernel) {
		t.Errorf("a prepared run without sys_chain: %v, want ErrNoKernel", r.Err())
	}
	if r.Steps != 0 || r.Ret(0) != -int64(unix.ECANCELED) {
		t.Errorf("a refused run: %d steps, ret %d", r.Steps, r.Ret(0))
	}
}
