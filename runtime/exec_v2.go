package runtime

import "golang.org/x/sys/unix"

// pauser is implemented by a fake caller that simulates a signal pending
// between steps (DryRun.Pause): the real interpreter never sees one,
// because each of its steps is a syscall of its own.
type pauser interface {
	pause(step int) bool
}

// executeV2 is the version-2 executor loop (docs/wire-format.md,
// "Version 2") from step start, which is 0 or the resume point of a chain
// that stopped with Pause or Restart (results[0:start] are then the
// earlier results). It differs from version 1 in four places: conditions
// are tested before the error stop, a step whose references name a
// failed or skipped step does not run (RefStop), restart codes either
// stop resumably (Restart) or are an ordinary EINTR, and the cleanup
// steps run at every end that is not resumable.
func executeV2(p *Program, res []uintptr, fake caller, start int) uintptr {
	xs := p.exec()
	res = res[:len(xs)]
	cancel(res[start:]) // until their step runs
	var pz pauser
	if fake != nil {
		pz, _ = fake.(pauser)
	}
	ran, why := 0, End
	for i := start; i < p.nbody; {
		x := &xs[i]
		if ran > 0 && pz != nil && pz.pause(i) {
			return status(ran, Pause)
		}
		a := x.args
		if x.symmask|x.boundmask != 0 || x.nconds != 0 && p.steps[i].w.condsym != 0 {
			w := &p.steps[i].w
			if !w.rawref {
				if _, j := w.failedRef(res); j >= 0 {
					why = RefStop
					break
				}
			}
			if !resolve(x, &a, w, res) {
				res[i] = negEOVERFLOW
				why = Bound
				break
			}
		}
		r := doCall(x, i, a, fake)
		if isErrno(r) && isRestart(r) {
			// A restart code stops the chain resumably only if a signal
			// is pending (the kernel's rule, review R8). A real syscall
			// returns one to user space only when none is (with one, the
			// kernel restarts the call or turns the code into EINTR), say
			// under a seccomp filter RET_ERRNO|512: then it is an
			// ordinary EINTR, or the resume would re-issue it forever. A
			// fake's restart code simulates an interrupted step.
			if restartsStep(r) && fake != nil {
				return status(ran, Restart) // res[i] stays -ECANCELED
			}
			r = negEINTR
		}
		ran++
		res[i] = r
		if x.nconds != 0 && p.steps[i].w.firstTrue(r, res) >= 0 {
			if x.action == Stop {
				why = CondStop
				break
			}
			if x.action == Jump {
				i = int(x.target)
				continue
			}
		} else if x.errstop && isErrno(r) {
			why = ErrStop
			break
		}
		i++
	}
	if p.nbody < len(xs) {
		runCleanup(p, xs, res, fake)
	}
	return status(ran, why)
}

// restartsStep reports the restart codes after which a direct syscall is
// re-issued when the signal's handler has SA_RESTART, as all of Go's
// have: -ERESTARTSYS and -ERESTARTNOINTR. -ERESTARTNOHAND and
// -ERESTART_RESTARTBLOCK become EINTR once a handler has run.
func restartsStep(r uintptr) bool { return -r == 512 || -r == 513 }

// runCleanup runs the cleanup steps in order, each unless one of its
// references names a failed or skipped step or a bound fails. A cleanup
// step never stops the chain.
func runCleanup(p *Program, xs []xstep, res []uintptr, fake caller) {
	for i := p.nbody; i < len(xs); i++ {
		x, w := &xs[i], &p.steps[i].w
		a := x.args
		if x.symmask|x.boundmask != 0 {
			if _, j := w.failedRef(res); j >= 0 {
				continue
			}
			if !resolve(x, &a, w, res) {
				res[i] = negEOVERFLOW
				continue
			}
		}
		r := doCall(x, i, a, fake)
		if isErrno(r) && isRestart(r) {
			r = negEINTR // a cleanup step is not re-issued: see the spec
		}
		res[i] = r
	}
}

// doCall makes step i's syscall (or the fake's).
func doCall(x *xstep, i int, a [maxArgs]uintptr, fake caller) uintptr {
	if fake != nil {
		return fake.call(i, x.nr, a)
	}
	switch x.call {
	case call3:
		r, _ := unix.SyscallNoError(x.nr, a[0], a[1], a[2])
		return r
	case callRaw3:
		r, _ := unix.RawSyscallNoError(x.nr, a[0], a[1], a[2])
		return r
	case call6:
		r, _, e := unix.Syscall6(x.nr, a[0], a[1], a[2], a[3], a[4], a[5])
		if e != 0 {
			return -uintptr(e)
		}
		return r
	}
	r, _, e := unix.RawSyscall6(x.nr, a[0], a[1], a[2], a[3], a[4], a[5])
	if e != 0 {
		return -uintptr(e)
	}
	return r
}

// failedRef returns the first reference of the step (argument k, or -1
// for a condition value) whose result is an error (-4095..-1, which
// includes -ECANCELED for a step that did not run), and the step j it
// names; j is -1 if there is none.
func (w *wstep) failedRef(res []uintptr) (k, j int) {
	for k := 0; k < int(w.nargs); k++ {
		if w.symmask&(1<<k) != 0 && isErrno(res[w.args[k]]) {
			return k, int(w.args[k])
		}
	}
	for c := 0; c < int(w.nconds); c++ {
		if w.condsym&(1<<c) != 0 && isErrno(res[w.vals[c]]) {
			return -1, int(w.vals[c])
		}
	}
	return -1, -1
}

// cleanupRan reports whether cleanup step i ran, given the results and the
// final status: the cleanup steps run at every end that is not resumable,
// each unless a reference failed or a bound stopped it (-EOVERFLOW).
func (p *Program) cleanupRan(i int, res []uintptr, why Why) bool {
	if why.resumable() || i < p.nbody || i >= len(p.steps) {
		return false
	}
	w := &p.steps[i].w
	if _, j := w.failedRef(res); j >= 0 {
		return false
	}
	if w.boundmask != 0 {
		a := w.native()
		if !resolve(&xstep{symmask: w.symmask, boundmask: w.boundmask}, &a, w, res) {
			return false
		}
	}
	return true
}
