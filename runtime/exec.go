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

// execute is the wire format's executor loop (docs/wire-format.md,
// "Execution") over the pre-decoded steps. With fake nil it makes real
// syscalls; the interp backend is this function. It cannot see pending
// signals between steps (the kernel can), so it ends with Intr only on an
// EINTR result; Go's handlers use SA_RESTART, so that is rare.
func execute(p *Program, res []uintptr, fake caller) uintptr {
	steps := p.steps
	res = res[:len(steps)]
	for i := range res {
		res[i] = negECANCELED
	}
	ran := 0
	for i := 0; i < len(steps); {
		s := &steps[i].w
		a := s.native()
		if s.symmask != 0 {
			for k := range a {
				if s.symmask&(1<<k) != 0 {
					a[k] = res[a[k]]
				}
			}
		}
		if s.boundmask != 0 {
			for k := range a {
				if s.boundmask&(1<<k) != 0 && a[k] > uintptr(s.bounds[k]) {
					res[i] = negEOVERFLOW
					return status(ran, Bound)
				}
			}
		}
		var r uintptr
		switch {
		case fake != nil:
			r = fake.call(i, uintptr(s.nr), a)
		case s.noblock:
			r1, _, e := unix.RawSyscall6(uintptr(s.nr), a[0], a[1], a[2], a[3], a[4], a[5])
			r = r1
			if e != 0 {
				r = -uintptr(e)
			}
		default:
			r1, _, e := unix.Syscall6(uintptr(s.nr), a[0], a[1], a[2], a[3], a[4], a[5])
			r = r1
			if e != 0 {
				r = -uintptr(e)
			}
		}
		ran++
		if isErrno(r) { // the error checks stay off the success path
			if isRestart(r) {
				r = negEINTR
			}
			res[i] = r
			if r == negEINTR {
				return status(ran, Intr)
			}
			if s.errstop {
				return status(ran, ErrStop)
			}
		}
		res[i] = r
		if s.nconds != 0 && s.firstTrue(r, res) >= 0 {
			switch s.action {
			case Stop:
				return status(ran, CondStop)
			case Jump:
				i = int(s.target)
				continue
			}
		}
		i++
	}
	return status(ran, End)
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

func (Interp) Name() string { return "interp" }

func (Interp) Exec(p *Program, results []uintptr) (uintptr, error) {
	if p.err != nil {
		return 0, p.err
	}
	return execute(p, results, nil), nil
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
}

func (*DryRun) Name() string { return "dryrun" }

func (d *DryRun) Exec(p *Program, results []uintptr) (uintptr, error) {
	if p.err != nil {
		return 0, p.err
	}
	return execute(p, results, d), nil
}

func (d *DryRun) call(step int, nr uintptr, a [maxArgs]uintptr) uintptr {
	if d.Func != nil {
		return uintptr(d.Func(step, nr, a))
	}
	if step < len(d.Results) {
		return uintptr(d.Results[step])
	}
	return 0
}
