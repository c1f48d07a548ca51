package runtime

import (
	"errors"
	"testing"

	"golang.org/x/sys/unix"
)

// scripted is a backend that returns a fixed status or error, for the
// runtime's handling of the kernel's answers on any host.
type scripted struct {
	st  uintptr
	err error
}

func (scripted) Name() string { return "scripted" }

func (s scripted) Exec(p *Program, results []uintptr) (uintptr, error) {
	if s.err != nil {
		return 0, s.err
	}
	for i := range results {
		results[i] = 7
	}
	return s.st, nil
}

// withDefault makes b the default backend for the duration of the test.
func withDefault(t *testing.T, b Backend) {
	old := registry.Load()
	t.Cleanup(func() { registry.Store(old) })
	RegisterBackend(b, 1<<20)
	if DefaultBackend(nil).Name() != b.Name() {
		t.Fatalf("default backend is %s, want %s", DefaultBackend(nil).Name(), b.Name())
	}
}

// The default backend refusing with ErrTraced (the kernel under strace)
// falls back to interp; the same backend chosen explicitly reports it.
func TestTracedFallsBackToInterp(t *testing.T) {
	traced := scripted{err: kernelRefusalTraced()}
	withDefault(t, traced)
	var c Chain
	c.Syscall(unix.SYS_GETPID).Syscall(unix.SYS_GETPPID)
	r, err := c.Run()
	if err != nil || r.Backend != "interp" || r.Steps != 2 || r.Ret(0) != int64(unix.Getpid()) {
		t.Fatalf("Run with a refusing default backend: %v, %+v; want interp's run of both steps", err, r)
	}
	if _, err := c.RunOn(traced); !errors.Is(err, ErrTraced) {
		t.Errorf("RunOn(explicit backend) = %v, want the ErrTraced refusal", err)
	}
	// A chain prepared for the default backend falls back too; one
	// prepared for the explicit backend reports the refusal.
	for _, c2 := range []struct {
		b    Backend
		want bool
	}{{nil, true}, {traced, false}} {
		pc, err := c.Prepare(c2.b)
		if err != nil {
			t.Fatal(err)
		}
		var pr Result
		ok := pc.Run(&pr)
		if ok != c2.want || (ok && pr.Backend != "interp") || (!ok && !errors.Is(pr.Err(), ErrTraced)) {
			t.Errorf("Prepare(%v).Run = %v, backend %s, err %v; want ok=%v", c2.b, ok, pr.Backend, pr.Err(), c2.want)
		}
		pc.Close()
	}
	// Any other refusal is not a reason to fall back.
	withDefault(t, scripted{err: errors.New("other")})
	if _, err := c.Run(); err == nil || err.Error() != "other" {
		t.Errorf("Run with another refusal = %v, want it reported", err)
	}
}

// kernelRefusalTraced is the kernel backend's error for the traced errno,
// built the way that backend builds it (errors.Is must see both).
func kernelRefusalTraced() error {
	return errors.Join(ErrTraced, unix.EOPNOTSUPP)
}

// Status bit 20: the steps ran but the results were not written.
func TestResultsNotWritten(t *testing.T) {
	b := scripted{st: statusResultsNotWritten | 2}
	var c Chain
	c.Syscall(unix.SYS_GETPID).Syscall(unix.SYS_GETPPID)
	var r Result
	err := c.RunInto(b, &r)
	if !errors.Is(err, ErrResultsNotWritten) || r.Steps != 2 || r.Why != End {
		t.Fatalf("status %#x: %v, steps %d why %v; want ErrResultsNotWritten with steps 2, END", b.st, err, r.Steps, r.Why)
	}
	for i := range 2 {
		if r.Ret(i) != -int64(unix.ECANCELED) {
			t.Errorf("result %d = %d after a failed copy-out, want -ECANCELED (not the backend's stale 7)", i, r.Ret(i))
		}
	}
	// Bit 20 with bits above it, or with an impossible count, is malformed.
	for _, st := range []uintptr{statusResultsNotWritten | 1<<21 | 1, statusResultsNotWritten | 3} {
		if err := c.RunInto(scripted{st: st}, &r); err == nil || errors.Is(err, ErrResultsNotWritten) {
			t.Errorf("status %#x: %v, want a malformed-status error", st, err)
		}
	}
}

// tracedOnResume runs a chain's first step, stops with Pause (a signal arrived),
// and refuses the resume as a kernel does once a tracer attached.
type tracedOnResume struct{}

func (tracedOnResume) Name() string { return "traced-on-resume" }

func (tracedOnResume) Exec(p *Program, results []uintptr) (uintptr, error) {
	cancel(results)
	results[0] = uintptr(unix.Getpid())
	return uintptr(Pause)<<16 | 1, nil
}

func (tracedOnResume) ExecFrom(p *Program, results []uintptr, k int) (uintptr, error) {
	return 0, kernelRefusalTraced()
}

// A tracer attaching while a chain is paused (strace -p) makes the
// resume refused with ErrTraced: the default backend finishes the chain
// on interp, without re-running the step that ran; an explicit backend
// reports the refusal.
func TestTracedResumeFallsBackToInterp(t *testing.T) {
	withDefault(t, tracedOnResume{})
	var c Chain
	c.Syscall(unix.SYS_GETPID).Syscall(unix.SYS_GETPPID)
	r, err := c.Run()
	if err != nil || r.Backend != "interp" || r.Steps != 2 || r.Why != End || r.Ret(0) != int64(unix.Getpid()) || r.Ret(1) != int64(unix.Getppid()) {
		t.Fatalf("Run with a resume refused: %v, %+v; want both steps, the second on interp", err, r)
	}
	if _, err := c.RunOn(tracedOnResume{}); !errors.Is(err, ErrTraced) {
		t.Errorf("RunOn(explicit backend) = %v, want the ErrTraced refusal of the resume", err)
	}
	pc, err := c.Prepare(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	var pr Result
	for i := range 2 { // the general path, then the same Result again
		if !pc.Run(&pr) || pr.Steps != 2 || pr.Ret(1) != int64(unix.Getppid()) {
			t.Errorf("prepared run %d: %v, steps %d, err %v; want both steps", i, pr.Backend, pr.Steps, pr.Err())
		}
	}
}
