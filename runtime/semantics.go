package runtime

import (
	"fmt"
	"strconv"

	"golang.org/x/sys/unix"
)

// Version 2 of the wire format's execution (docs/wire-format.md,
// "Version 2"): the flags argument of sys_chain selects it, so the words
// of a chain that uses only the seed's features stay the seed's. Every
// chain built with this package runs as version 2; RawProgram runs words
// as version 1 unless RawProgramFlags says otherwise.
const (
	// FlagV2 selects version 2: conditions see errors, references to
	// failed or skipped steps stop the chain, cleanup steps, resumable
	// stops for signals.
	FlagV2 = 1 << 0
	// FlagResume (with FlagV2) starts the chain at step k = flags >>
	// ResumeShift & 0x1ff, with the results of steps 0..k-1 read from the
	// results array: the second half of a chain that stopped with Pause
	// or Restart.
	FlagResume  = 1 << 1
	ResumeShift = 8
	// flagsKnown are the bits an executor accepts.
	flagsKnown = FlagV2 | FlagResume | 0x1ff<<ResumeShift
)

// Neg returns -e as an int, the raw result of a step that failed with e:
// When(EQ, Neg(unix.ENOENT)). ContinueOn and GotoOn take errnos directly.
func Neg(e unix.Errno) int { return -int(e) }

// ContinueOn makes the last step go on with the next step when it fails
// with one of errs, instead of stopping the chain:
//
//	c.Mkdirat(unix.AT_FDCWD, dir, 0o755).ContinueOn(unix.EEXIST)
//
// It adds one condition "result == -errno" per errno and sets the step's
// action to Continue. Any other error still stops the chain.
func (c *Chain) ContinueOn(errs ...unix.Errno) *Chain {
	return c.onErrs("ContinueOn", errs, Continue, 0)
}

// GotoOn makes the last step jump forward to step when it fails with one
// of errs:
//
//	c.Openat(unix.AT_FDCWD, path, unix.O_RDONLY, 0).GotoOn(3, unix.ENOENT)
//
// step is a later step, or the number of body steps to end the chain's
// body (its cleanup steps still run). Any other error still stops the
// chain.
func (c *Chain) GotoOn(step int, errs ...unix.Errno) *Chain {
	if step < 0 {
		if c.last("GotoOn") != nil {
			c.fail(c.cur(), "goto", RuleJumpRange, "target %d", step)
		}
		return c
	}
	return c.onErrs("GotoOn", errs, Jump, uint64(step))
}

func (c *Chain) onErrs(method string, errs []unix.Errno, a Action, target uint64) *Chain {
	s := c.last(method)
	if s == nil {
		return c
	}
	if len(errs) == 0 {
		c.fail(c.cur(), "cond["+strconv.Itoa(int(s.w.nconds))+"]", RuleNoCond, "%s needs at least one errno, say %s(unix.EEXIST)", method, method)
		return c
	}
	for _, e := range errs {
		if e == 0 || e > 4095 {
			c.fail(c.cur(), "cond["+strconv.Itoa(int(s.w.nconds))+"]", RuleBadCond, "%s(%d): an errno is 1-4095", method, uintptr(e))
			return c
		}
		c.When(EQ, -int(e))
	}
	return c.setAction(a, target, method)
}

// Cleanup makes the last step a cleanup step. Cleanup steps come after all
// other steps (the body) and run on every end of the chain (normal end,
// error stop, condition stop, bound, a reference to a failed step), in
// order; a resumable stop for a signal is not an end. A cleanup step is
// skipped when one of its references names a step that failed or did not
// run, so
//
//	c.Openat(...)                          // step 0
//	c.Read(runtime.Ret(0), buf, len(buf))  // step 1
//	c.Close(runtime.Ret(0)).Cleanup()      // closes the fd whatever step 1 did
//
// closes the descriptor exactly when the open succeeded. A cleanup step has
// no conditions and never stops the chain; its result is in the Result
// like any other (Ret), and the Result's error stays the body's.
func (c *Chain) Cleanup() *Chain {
	if s := c.last("Cleanup"); s != nil {
		s.w.cleanup = true
		s.w.errstop = false
	}
	return c
}

// RawRefs makes the last step receive the results it references as they
// are, also when the referenced step failed (its -errno) or did not run
// (-ECANCELED). By default such a step does not run: the chain stops with
// RefStop and the *StepError names the referenced step's failure.
func (c *Chain) RawRefs() *Chain {
	if s := c.last("RawRefs"); s != nil {
		s.w.rawref = true
	}
	return c
}

// bodyLen returns the number of body steps: the index of the first
// cleanup step, or len(steps).
func bodyLen(steps []step) int {
	for i := range steps {
		if steps[i].w.cleanup {
			return i
		}
	}
	return len(steps)
}

// validateCleanup checks the cleanup rules for step i: cleanup steps form
// a suffix and have no conditions, action, error stop or RawRefs.
func validateCleanup(steps []step, i int) error {
	s, m := &steps[i].w, &steps[i].m
	fail := func(field, format string, a ...any) error {
		return &BuildError{Step: i, Name: m.name, Field: field, Rule: RuleCleanup, Detail: fmt.Sprintf(format, a...)}
	}
	if !s.cleanup {
		if i > 0 && steps[i-1].w.cleanup {
			return fail("cleanup", "%s follows cleanup step %d; add cleanup steps after all other steps", m.name, i-1)
		}
		return nil
	}
	switch {
	case s.nconds != 0 || s.action != Stop:
		return fail("cond[0]", "a cleanup step has no conditions or action (it never changes the control flow)")
	case s.errstop:
		return fail("errstop", "a cleanup step never stops the chain, so it has no error stop")
	case s.rawref:
		return fail("rawrefs", "a cleanup step is skipped when a reference failed; RawRefs does not apply")
	}
	return nil
}

// isV2 reports whether a step uses bits only version 2 has.
func (s *wstep) isV2() bool { return s.rawref || s.cleanup }
