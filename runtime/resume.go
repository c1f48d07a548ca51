package runtime

import (
	"errors"
	"fmt"
	"sync/atomic"
)

// Resumer is implemented by backends that can continue a version-2
// chain at a step: ExecFrom runs p from step k, with results[0:k] holding
// the results of the steps before it, and returns the status word of this
// part (ran counts the steps it ran). The kernel backend passes
// FlagResume; interp, dryrun and uring run their loop from k.
//
// A backend whose Exec can stop with Pause or Restart must implement it;
// Run resumes such a chain until it really ends, so the caller sees one
// uninterrupted chain.
type Resumer interface {
	ExecFrom(p *Program, results []uintptr, k int) (status uintptr, err error)
}

// ResumeStats counts, for the whole process, how often Run resumed a
// chain after a signal: Pauses (stopped between steps) and Restarts (a
// step interrupted with a restart code, re-issued).
type ResumeStats struct {
	Pauses, Restarts int64
}

var resumePauses, resumeRestarts atomic.Int64

// maxResumes bounds the resumes of one run: a real chain needs one per
// signal that arrives while it runs, so a million means a scripted
// backend that never lets a step finish.
const maxResumes = 1 << 20

// Resumes returns the process-wide resume counts.
func Resumes() ResumeStats {
	return ResumeStats{Pauses: resumePauses.Load(), Restarts: resumeRestarts.Load()}
}

// resumeLoop continues a chain that stopped with Pause or Restart until
// it really ends, and returns the combined status word (ran summed over
// the parts). No step runs twice: each part starts at the step the
// previous one did not run.
//
// auto says b is the default backend: if it refuses a resume with
// ErrTraced (a tracer attached while the chain was stopped), the rest of
// the chain runs on interp, and fellBack says so.
func resumeLoop(b Backend, auto bool, p *Program, res []uintptr, st uintptr) (_ uintptr, fellBack bool, _ error) {
	total := 0
	for n := 0; Why(st>>16&0xF).resumable() && st>>20 == 0 && p.v2(); n++ {
		if n == maxResumes {
			return 0, fellBack, fmt.Errorf("syschain: backend %s: a chain was resumed %d times without ending (a script that always returns a restart code?)", b.Name(), n)
		}
		rb, ok := b.(Resumer)
		if !ok {
			return 0, fellBack, fmt.Errorf("syschain: backend %s stopped a chain resumably (%s) but cannot resume it (no ExecFrom)", b.Name(), Why(st>>16&0xF))
		}
		if Why(st>>16&0xF) == Pause {
			resumePauses.Add(1)
		} else {
			resumeRestarts.Add(1)
		}
		total += int(st & 0xFFFF)
		if total > len(res) {
			break // finish reports the malformed status
		}
		k := p.replay(res, total, nil)
		if k >= p.nbody {
			return 0, fellBack, fmt.Errorf("syschain: backend %s stopped a chain resumably after its last body step", b.Name())
		}
		var err error
		st, err = rb.ExecFrom(p, res, k)
		if auto && !fellBack && err != nil && errors.Is(err, ErrTraced) {
			b, fellBack = Interp{}, true
			st, err = Interp{}.ExecFrom(p, res, k)
		}
		if err != nil {
			return 0, fellBack, err
		}
	}
	return st + uintptr(total), fellBack, nil
}

// replay follows the control flow for ran body steps, calling f (if not
// nil) with each step that ran, and returns where control went after the
// last one: the step that a stop names (Bound, RefStop, Pause, Restart),
// or the body's end.
func (p *Program) replay(raw []uintptr, ran int, f func(int)) int {
	steps := p.steps
	nbody := min(p.nbody, len(raw))
	i := 0
	for n := 0; n < ran && i < nbody; n++ {
		if f != nil {
			f(i)
		}
		s := &steps[i].w
		if s.nconds != 0 && s.firstTrue(raw[i], raw) >= 0 && s.action == Jump {
			i = int(s.target)
		} else {
			i++
		}
	}
	return i
}

// WithFlags returns the program run with other sys_chain flags: 0 runs a
// built chain with version-1 semantics (the seed's: an error stop before
// the conditions, references read failed results as they are, EINTR
// stops with Intr), FlagV2 with version 2. The conformance suite runs
// each case under both. A chain with cleanup steps or RawRefs has no
// version-1 form: its program then refuses to run (Validate).
func (p *Program) WithFlags(flags uintptr) *Program {
	if p.err != nil || flags == p.flags {
		return p
	}
	q := &Program{steps: p.steps, words: p.words, pins: p.pins, strs: p.strs, n: p.n, noblock: p.noblock, after: p.after, flags: flags, nbody: p.nbody}
	switch {
	case flags&^FlagV2 != 0:
		q.err = &FormatError{Word: -1, Step: -1, Field: "flags", Rule: RuleFlags, Detail: fmt.Sprintf("flags %#x; a chain is run with 0 or FlagV2", flags)}
	case flags == 0:
		for i := range p.steps {
			if p.steps[i].w.isV2() {
				q.err = &FormatError{Word: -1, Step: i, Field: "bitmap", Rule: RuleFlags, Detail: "bits 29-30 (RawRefs, Cleanup) need FlagV2"}
				break
			}
		}
		q.nbody = len(p.steps)
	}
	return q
}
