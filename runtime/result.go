package runtime

import (
	"errors"
	"fmt"
	goruntime "runtime"

	"golang.org/x/sys/unix"
)

// Result is the outcome of one run: every step's value, how many steps ran
// and why the chain ended. A Result may be reused with RunInto to re-run a
// chain without allocating; it must not be shared by concurrent runs.
type Result struct {
	Steps   int    // how many steps ran
	Why     Why    // why the chain ended
	Backend string // the backend that ran it

	prog   *Program
	raw    []uintptr // per step: the raw return value, or -ECANCELED
	fail   error     // the run did not happen or its status was malformed: what Err returns
	last   *Prepared // the Prepared whose last run this was (set up for its next run)
	pinner goruntime.Pinner
}

// Len returns the number of steps of the chain.
func (r *Result) Len() int { return len(r.raw) }

// Ret returns step i's result: its return value (a negative errno on
// failure), or -ECANCELED if it did not run (-EOVERFLOW for the step a
// bound stopped). An i that is not a step of the chain panics, as a slice
// index out of range does: no value could be told apart from a result.
func (r *Result) Ret(i int) int64 {
	r.checkStep("Ret", i)
	return int64(intptr(r.raw[i]))
}

// Errno returns step i's errno, or 0 if it succeeded (or did not run). An
// i that is not a step of the chain panics, like Ret.
func (r *Result) Errno(i int) unix.Errno {
	r.checkStep("Errno", i)
	if !r.Ran(i) || !isErrno(r.raw[i]) {
		return 0
	}
	return unix.Errno(-r.raw[i])
}

// checkStep panics with a message naming the call when i is not a step.
func (r *Result) checkStep(method string, i int) {
	if i >= 0 && i < len(r.raw) {
		return
	}
	switch len(r.raw) {
	case 0:
		panic(fmt.Sprintf("syschain: Result.%s(%d) of a Result that holds no run", method, i))
	case 1:
		panic(fmt.Sprintf("syschain: Result.%s(%d) of a 1-step chain: the only step is 0", method, i))
	}
	panic(fmt.Sprintf("syschain: Result.%s(%d) of a %d-step chain: steps are 0-%d", method, i, len(r.raw), len(r.raw)-1))
}

// Ran reports whether step i ran, by replaying the control flow (the wire
// format needs no list of executed steps).
func (r *Result) Ran(i int) bool {
	if r.prog != nil && i >= r.prog.nbody && i < len(r.prog.steps) {
		return r.prog.cleanupRan(i, r.raw, r.Why)
	}
	ran := false
	r.replay(func(j int) { ran = ran || j == i })
	return ran
}

// Last returns the index of the last step that ran, or -1.
func (r *Result) Last() int {
	last := -1
	r.replay(func(j int) { last = j })
	return last
}

// replay calls f with each step that ran, in order, and returns where
// control went after the last one (len for the end).
func (r *Result) replay(f func(int)) int {
	if r.prog == nil {
		return 0
	}
	return r.prog.replay(r.raw, r.Steps, f)
}

// Err returns the run's error: nil if the chain reached its end, else a
// *StepError saying which step stopped it and why, or, if no step ran
// because the run was refused (a backend's refusal, ErrClosed), that
// error. The *StepError is built on each call, from the results.
func (r *Result) Err() error {
	if r.fail != nil {
		return r.fail
	}
	if r.Why == End || r.prog == nil {
		return nil
	}
	next := -1
	last := -1
	next = r.replay(func(j int) { last = j })
	e := &StepError{Step: last, Why: r.Why, Cond: -1, Arg: -1, Ref: -1}
	switch r.Why {
	case Bound, RefStop, Pause, Restart:
		e.Step = next
	}
	if e.Step < 0 || e.Step >= len(r.raw) {
		return fmt.Errorf("syschain: backend %s ended the chain with %s after %d steps, which the chain's control flow does not allow", r.Backend, r.Why, r.Steps)
	}
	e.Name = r.prog.steps[e.Step].m.name
	v := r.raw[e.Step]
	e.Value = int64(intptr(v))
	if isErrno(v) {
		e.Errno = unix.Errno(-v)
	}
	s := &r.prog.steps[e.Step].w
	switch r.Why {
	case RefStop:
		k, j := s.failedRef(r.raw)
		if j < 0 {
			return fmt.Errorf("syschain: backend %s stopped step %d for a failed reference, and its references all succeeded", r.Backend, e.Step)
		}
		e.Arg, e.Ref, e.RefName = k, j, r.prog.steps[j].m.name
		e.RefRan = r.Ran(j)
		e.Value, e.Errno = int64(intptr(r.raw[j])), 0
		if e.RefRan && isErrno(r.raw[j]) {
			e.Errno = unix.Errno(-r.raw[j])
		}
	case CondStop:
		e.Cond = s.firstTrue(v, r.raw)
	case Bound:
		a := s.native()
		for k := range a {
			if s.symmask&(1<<k) != 0 {
				a[k] = r.raw[a[k]]
			}
			if s.boundmask&(1<<k) != 0 && a[k] > uintptr(s.bounds[k]) {
				e.Arg = k
				break
			}
		}
	}
	return e
}

// finish turns a backend's status word into the Result, checking it, and
// returns the run's error.
func (r *Result) finish(st uintptr) error {
	r.setStatus(st)
	return r.Err()
}

// setStatus stores a backend's status word in the Result, checking it; a
// malformed one becomes the Result's error (false).
func (r *Result) setStatus(st uintptr) bool {
	ran, why := int(st&0xFFFF), Why(st>>16&0xF)
	v2 := r.prog != nil && r.prog.v2()
	if st&statusResultsNotWritten != 0 && st>>21 == 0 && why < numWhy && ran <= len(r.raw) {
		// The steps ran, but the backend could not write the results
		// back: say what ran, and leave no stale values of an earlier run.
		cancel(r.raw)
		r.Steps, r.Why, r.last = ran, why, nil
		r.fail = fmt.Errorf("%w (backend %s, %d steps ran, %v)", ErrResultsNotWritten, r.Backend, ran, why)
		return false
	}
	if st>>20 != 0 || why >= numWhy || ran > len(r.raw) || !v2 && why > Intr || v2 && (why == Intr || why.resumable()) {
		r.Steps, r.Why, r.last = 0, End, nil
		r.fail = fmt.Errorf("syschain: backend %s returned a malformed status word %#x for a %d-step chain", r.Backend, st, len(r.raw))
		return false
	}
	r.Steps, r.Why = ran, why
	if len(r.prog.after) > 0 {
		r.runAfter()
	}
	return true
}

// runAfter calls the AfterStep functions of the steps that ran and
// succeeded, in step order.
func (r *Result) runAfter() {
	for _, h := range r.prog.after {
		if !isErrno(r.raw[h.step]) && r.Ran(h.step) {
			h.f()
		}
	}
}

// refused records a run that did not happen: no step ran, every result
// is -ECANCELED, and Err returns err.
func (r *Result) refused(err error) {
	cancel(r.raw)
	r.Steps, r.Why, r.fail, r.last = 0, End, err, nil
}

// RunInto runs the chain on b (the default backend if b is nil), reusing
// r's storage: re-running a built chain this way allocates nothing when
// it succeeds. The error is a build error, a backend's refusal, or the
// run's *StepError (r is filled in then too).
func (c *Chain) RunInto(b Backend, r *Result) error {
	if r == nil {
		return errNilResult
	}
	p, err := c.Program()
	if err != nil {
		return err
	}
	return p.RunInto(b, r)
}

// How a run reaches its backend (execOn): the two built-in backends
// that need no per-run state are called directly, the rest through the
// Backend interface.
const (
	viaBackend uint8 = iota // b.Exec
	viaInterp               // the executor, directly
	viaKernel               // Kernel.Exec, a static call (linux/amd64)
)

// via returns how execOn calls b for p.
func via(b Backend, p *Program) uint8 {
	if p.err != nil {
		return viaBackend // the backend reports the validation error
	}
	if _, ok := b.(Interp); ok {
		return viaInterp
	}
	if isKernel(b) {
		return viaKernel
	}
	return viaBackend
}

// execOn runs p on b into raw, which has p.Len() slots. Program.RunInto
// and Prepared.Run both reach the backend through it: what every run
// needs from the backend goes here.
//
// auto says b is the default backend (the caller passed nil). When it
// refuses because the task is traced or audited (ErrTraced: the kernel
// under strace), the chain runs on interp instead, whose steps the tracer
// sees one by one, and fellBack says so. The same holds for the resume of
// a chain a signal stopped: a tracer that attached meanwhile (strace -p
// stops the task with a signal, so the chain pauses) makes the kernel
// refuse the resume, and the rest of the chain runs on interp. An
// explicit backend's refusal is returned as is.
func execOn(b Backend, how uint8, auto bool, p *Program, raw []uintptr) (st uintptr, fellBack bool, err error) {
	switch how {
	case viaInterp:
		return execute(p, raw, nil), false, nil // interp never stops resumably
	case viaKernel:
		st, err = execKernel(p, raw)
	default:
		st, err = b.Exec(p, raw)
	}
	if auto && err != nil && errors.Is(err, ErrTraced) {
		st, err = Interp{}.Exec(p, raw)
		return st, true, err
	}
	if err == nil && st>>16&0xF >= uintptr(Pause) {
		st, fellBack, err = resumeLoop(b, auto, p, raw, st) // a signal stopped it: go on
	}
	return st, fellBack, err
}

// RunInto runs the program on b (the default backend if nil) into r.
func (p *Program) RunInto(b Backend, r *Result) error {
	if r == nil {
		return errNilResult
	}
	auto := b == nil
	if auto {
		b = DefaultBackend(p)
	}
	n := p.n
	if cap(r.raw) < n {
		r.raw = make([]uintptr, n)
	}
	r.raw = r.raw[:n]
	r.prog, r.Steps, r.Why, r.fail, r.last = p, 0, End, nil, nil
	for _, ptr := range p.pins {
		r.pinner.Pin(ptr)
	}
	how := via(b, p)
	if how == viaInterp {
		r.Backend = interpName // the common case skips a dynamic call
	} else {
		r.Backend = b.Name()
	}
	st, fellBack, err := execOn(b, how, auto, p, r.raw)
	if fellBack {
		r.Backend = interpName
	}
	if len(p.pins) > 0 {
		r.pinner.Unpin()
	}
	// The words hold addresses of the program's buffers as integers only.
	goruntime.KeepAlive(p)
	if err != nil {
		r.refused(err)
		return err
	}
	return r.finish(st)
}

// errNilResult is RunInto's error for a nil *Result: there is nowhere to
// put the results, so nothing runs.
var errNilResult = errors.New("syschain: RunInto(b, nil): pass the *Result to fill, e.g. var res runtime.Result; c.RunInto(nil, &res)")

// Run runs the chain on the best available backend. The Result is non-nil
// whenever the chain ran, also when err is a *StepError.
func (c *Chain) Run() (*Result, error) { return c.RunOn(nil) }

// RunOn runs the chain on b (the default backend if b is nil).
func (c *Chain) RunOn(b Backend) (*Result, error) {
	p, err := c.Program()
	if err != nil {
		return nil, err
	}
	r := new(Result)
	err = p.RunInto(b, r)
	if _, ok := err.(*StepError); err != nil && !ok {
		return nil, err // refused, or a backend fault: no results to show
	}
	return r, err
}
