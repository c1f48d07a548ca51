package runtime

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// Raw results the executor writes, as the kernel's negative errnos.
const (
	negECANCELED = ^uintptr(unix.ECANCELED - 1)
	negEOVERFLOW = ^uintptr(unix.EOVERFLOW - 1)
	negEINTR     = ^uintptr(unix.EINTR - 1)
	negMaxErrno  = ^uintptr(4095 - 1) // -4095: results from here to -1 are errors
)

// isRestart reports the kernel's internal restart codes (ERESTARTSYS,
// ERESTARTNOINTR, ERESTARTNOHAND, ERESTART_RESTARTBLOCK), which an
// executor reports as EINTR. Userspace never sees them from a plain
// syscall; the check keeps the loop identical to the spec's.
func isRestart(r uintptr) bool {
	switch -r {
	case 512, 513, 514, 516:
		return true
	}
	return false
}

func status(ran int, why Why) uintptr { return uintptr(ran) | uintptr(why)<<16 }

func isErrno(r uintptr) bool { return r >= negMaxErrno }

// caller is a stand-in for the syscall instruction (dryrun's scripts).
type caller interface {
	call(step int, nr uintptr, args [maxArgs]uintptr) uintptr
}

// How an xstep makes its syscall. The 3-argument forms come from
// x/sys/unix's SyscallNoError and RawSyscallNoError: they are a few
// instructions of assembly around the syscall instruction and hand back
// the raw return register, which is the wire format's result as it is.
// The 6-argument forms go through package syscall's Go wrappers and turn
// the errno back into the raw value.
const (
	call6    uint8 = iota // unix.Syscall6
	callRaw6              // unix.RawSyscall6: a NoBlock step
	call3                 // unix.SyscallNoError: arguments 4-6 are 0
	callRaw3              // unix.RawSyscallNoError: both
)

// xstep is a step as the executor reads it, decoded once per Program
// (Program.exec): native words and the flags the loop tests, in one
// 64-byte cache line on 64-bit arches. Bounds and conditions, rare, stay
// in the wstep the executor reaches by the same index.
type xstep struct {
	nr        uintptr
	args      [maxArgs]uintptr
	symmask   uint8
	boundmask uint8
	nconds    uint8
	call      uint8
	errstop   bool
	action    Action
	target    uint16 // the jump target when action == Jump (at most MaxSteps)
}

// decodeExec builds the executor's steps from the wire steps.
func decodeExec(steps []step) []xstep {
	xs := make([]xstep, len(steps))
	for i := range steps {
		s, x := &steps[i].w, &xs[i]
		x.nr = uintptr(s.nr)
		x.args = s.native()
		x.symmask, x.boundmask, x.nconds = s.symmask, s.boundmask, s.nconds
		x.errstop, x.action, x.target = s.errstop, s.action, uint16(s.target)
		x.call = call6
		if s.noblock {
			x.call = callRaw6
		}
		if rawRetIsNegErrno && noErrorZeroesArgs && s.symmask>>3 == 0 && s.args[3]|s.args[4]|s.args[5] == 0 {
			x.call += call3
		}
	}
	return xs
}

// cancel marks results of steps that did not run.
func cancel(res []uintptr) {
	for i := range res {
		res[i] = negECANCELED
	}
}

// execute is the wire format's executor loop (docs/wire-format.md,
// "Execution") over the pre-decoded steps. With fake nil it makes real
// syscalls; the interp backend is this function. It cannot see pending
// signals between steps (the kernel can), so it ends with Intr only on an
// EINTR result; Go's handlers use SA_RESTART, so that is rare.
//
// Every result is written once: by the step, or with -ECANCELED when
// control passes over the step (a jump) or the chain ends before it.
func execute(p *Program, res []uintptr, fake caller) uintptr {
	if p.flags&FlagV2 != 0 {
		return executeV2(p, res, fake, 0)
	}
	xs := p.exec()
	res = res[:len(xs)]
	ran := 0
	for i := 0; i < len(xs); {
		x := &xs[i]
		a := x.args
		if x.symmask|x.boundmask != 0 {
			if !resolve(x, &a, &p.steps[i].w, res) {
				res[i] = negEOVERFLOW
				cancel(res[i+1:])
				return status(ran, Bound)
			}
		}
		var r uintptr
		if fake != nil {
			r = fake.call(i, x.nr, a)
		} else {
			switch x.call {
			case call3:
				r, _ = unix.SyscallNoError(x.nr, a[0], a[1], a[2])
			case callRaw3:
				r, _ = unix.RawSyscallNoError(x.nr, a[0], a[1], a[2])
			case call6:
				r1, _, e := unix.Syscall6(x.nr, a[0], a[1], a[2], a[3], a[4], a[5])
				r = r1
				if e != 0 {
					r = -uintptr(e)
				}
			default:
				r1, _, e := unix.RawSyscall6(x.nr, a[0], a[1], a[2], a[3], a[4], a[5])
				r = r1
				if e != 0 {
					r = -uintptr(e)
				}
			}
		}
		ran++
		res[i] = r
		if isErrno(r) { // the error checks stay off the success path
			if isRestart(r) {
				r = negEINTR
				res[i] = r
			}
			if r == negEINTR || x.errstop {
				cancel(res[i+1:])
				if r == negEINTR {
					return status(ran, Intr)
				}
				return status(ran, ErrStop)
			}
		}
		if x.nconds != 0 && p.steps[i].w.firstTrue(r, res) >= 0 {
			switch x.action {
			case Stop:
				cancel(res[i+1:])
				return status(ran, CondStop)
			case Jump:
				t := int(x.target)
				cancel(res[i+1 : t])
				i = t
				continue
			}
		}
		i++
	}
	return status(ran, End)
}

// resolve replaces x's symbolic arguments in a by the results they name
// and checks the bounds; false means a bounded argument is over its
// bound. References name earlier steps, whose results are written.
func resolve(x *xstep, a *[maxArgs]uintptr, w *wstep, res []uintptr) bool {
	for k := range a {
		if x.symmask&(1<<k) != 0 {
			a[k] = res[a[k]]
		}
		if x.boundmask&(1<<k) != 0 && a[k] > uintptr(w.bounds[k]) {
			return false
		}
	}
	return true
}

// wordIs64 is true where a machine word is 64 bits: there a wstep's
// uint64 words are native words as they are.
const wordIs64 = unsafe.Sizeof(uintptr(0)) == 8

// native returns the step's argument words as machine words. Values are
// held zero-extended, so on 32-bit arches the conversion is exact.
func (s *wstep) native() (a [maxArgs]uintptr) {
	if wordIs64 {
		return *(*[maxArgs]uintptr)(unsafe.Pointer(&s.args))
	}
	for k := range a {
		a[k] = uintptr(s.args[k])
	}
	return a
}

// firstTrue returns the index of the first true condition, or -1.
func (s *wstep) firstTrue(r uintptr, res []uintptr) int {
	for j := 0; j < int(s.nconds); j++ {
		v := uintptr(s.vals[j])
		if s.condsym&(1<<j) != 0 {
			v = res[v]
		}
		if compare(s.cmps[j], r, v) {
			return j
		}
	}
	return -1
}

func compare(c Cmp, r, v uintptr) bool {
	switch c {
	case EQ:
		return r == v
	case NE:
		return r != v
	case GT:
		return intptr(r) > intptr(v)
	case GTU:
		return r > v
	case LT:
		return intptr(r) < intptr(v)
	case LTU:
		return r < v
	case GE:
		return intptr(r) >= intptr(v)
	case GEU:
		return r >= v
	case LE:
		return intptr(r) <= intptr(v)
	case LEU:
		return r <= v
	}
	return false
}

// intptr is a machine word read as signed ("long").
type intptr = int

// Interp is the userspace interpreter: one unix.Syscall6 per step
// (unix.RawSyscall6 for NoBlock steps). It runs on every Linux arch and
// is the reference semantics for the other backends.
type Interp struct{}

const interpName = "interp"

func (Interp) Name() string { return interpName }

func (Interp) Exec(p *Program, results []uintptr) (uintptr, error) {
	if p.err != nil {
		return 0, p.err
	}
	return execute(p, results, nil), nil
}

// ExecFrom resumes a version-2 chain at step k (Resumer). The interpreter
// itself never stops resumably: each step is a syscall of its own, which
// the kernel restarts under Go's SA_RESTART handlers.
func (Interp) ExecFrom(p *Program, results []uintptr, k int) (uintptr, error) {
	if p.err != nil {
		return 0, p.err
	}
	return executeV2(p, results, nil, k), nil
}

// DryRun executes nothing: each step "returns" a scripted value, so
// conditions, jumps, bounds and error stops can be tested
// deterministically, and `syschain run -n` can show what a chain would do.
// The zero value returns 0 from every step.
type DryRun struct {
	// Results[i] is what step i returns; steps past the end return 0.
	Results []int64
	// Func, if set, is called instead of Results with the step index,
	// number and resolved arguments (references already replaced).
	Func func(step int, nr uintptr, args [6]uintptr) int64
	// Pause, if set, simulates a signal pending before step (version 2,
	// not before the first step of a call): the chain stops with Pause
	// and the runtime resumes it at step, as it does a kernel chain. A
	// Func result of -512 (-ERESTARTSYS) simulates a step interrupted
	// with a restart code.
	Pause func(step int) bool
}

func (*DryRun) Name() string { return "dryrun" }

func (d *DryRun) Exec(p *Program, results []uintptr) (uintptr, error) {
	if p.err != nil {
		return 0, p.err
	}
	return execute(p, results, d), nil
}

// ExecFrom resumes a version-2 chain at step k (Resumer).
func (d *DryRun) ExecFrom(p *Program, results []uintptr, k int) (uintptr, error) {
	if p.err != nil {
		return 0, p.err
	}
	return executeV2(p, results, d, k), nil
}

func (d *DryRun) pause(step int) bool { return d.Pause != nil && d.Pause(step) }

func (d *DryRun) call(step int, nr uintptr, a [maxArgs]uintptr) uintptr {
	if d.Func != nil {
		return uintptr(d.Func(step, nr, a))
	}
	if step < len(d.Results) {
		return uintptr(d.Results[step])
	}
	return 0
}
