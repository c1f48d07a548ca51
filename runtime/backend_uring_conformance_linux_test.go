//go:build linux

package runtime_test

import (
	"strings"
	"sync/atomic"
	"testing"

	"github.com/syschain/syschain/runtime"
	"github.com/syschain/syschain/runtime/conformance"
)

// uringOrInterp runs the chains uring accepts on uring and the rest on
// interp, and counts both. conformance.Run hands every chain to Exec
// directly (it does not consult Acceptor), and most of its cases use
// getpid and lseek, which io_uring has no operation for; through this
// wrapper the suite checks uring on exactly the chains it accepts.
type uringOrInterp struct {
	onUring, onInterp atomic.Int64
}

func (*uringOrInterp) Name() string { return "uring" }

func (w *uringOrInterp) Exec(p *runtime.Program, results []uintptr) (uintptr, error) {
	if (runtime.Uring{}).Accepts(p) {
		w.onUring.Add(1)
		return runtime.Uring{}.Exec(p, results)
	}
	w.onInterp.Add(1)
	return runtime.Interp{}.Exec(p, results)
}

func TestUringConformance(t *testing.T) {
	if err := (runtime.Uring{}).Available(); err != nil {
		t.Skipf("NOT CHECKED: io_uring unavailable: %v", err)
	}
	w := &uringOrInterp{}
	for _, f := range conformance.Run(w) {
		t.Error(f)
	}
	t.Logf("conformance: %d runs on uring, %d on interp (steps without an io_uring operation)", w.onUring.Load(), w.onInterp.Load())
	if w.onUring.Load() < 20 {
		t.Errorf("only %d conformance runs reached uring", w.onUring.Load())
	}
}

// TestUringConformanceRefusesUnmapped documents what conformance.Run does
// with uring itself: every chain with a step io_uring cannot run is a
// "run refused" failure, and only those.
func TestUringConformanceRefusesUnmapped(t *testing.T) {
	if err := (runtime.Uring{}).Available(); err != nil {
		t.Skipf("NOT CHECKED: io_uring unavailable: %v", err)
	}
	fails := conformance.Run(runtime.Uring{})
	if len(fails) == 2*len(conformance.Cases()) { // each case runs twice: RunInto, prepared
		t.Errorf("uring refused all %d conformance cases; it must run the ones it has operations for", len(fails))
	}
	for _, f := range fails {
		if !strings.Contains(f.Err, "no io_uring operation") {
			t.Errorf("a failure other than a refusal: %v", f)
		}
	}
	t.Logf("%d of %d conformance cases refused by uring (no io_uring operation for a step)", len(fails), len(conformance.Cases()))
}
