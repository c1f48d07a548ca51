package runtime

import (
	"errors"
	goruntime "runtime"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ErrClosed is the error of a run of a Prepared chain after its Close
// (Result.Err reports it; no step runs), and of a second Close.
var ErrClosed = errors.New("syschain: the prepared chain is closed; Prepare the chain again to run it")

// Prepared is a chain made ready to run many times on one backend: the
// one-time work of a run (validation, encoding, decoding for the
// executor, choosing the backend, pinning every Go buffer the chain
// points to) is done once, by Prepare, so that each Run does only the
// syscalls and writes the results in place. A Run allocates nothing (after
// the first run into a Result, which sizes it), and the Result's Err
// builds a *StepError only when asked.
//
// # Lifetime
//
// Prepare pins the chain's Go memory (runtime.Pinner) and Close unpins
// it. Between the two, the kernel may use every address in the chain's
// words, on any run. Close once the prepared chain is no longer needed,
// after the runs that use it have returned: a Run that starts after
// Close does not run anything, and its Result.Err is ErrClosed. A Close
// that overlaps a Run is a misuse, but not a fault: the Prepared keeps
// the chain's memory reachable for as long as it is itself reachable, so
// a run in progress never sees memory freed. A Prepared that becomes
// unreachable without Close is unpinned when it is collected, so a
// forgotten Close leaks nothing (but do not rely on it: pinned memory
// cannot be moved or freed until then).
//
// A Prepared is fixed when it is made: changing the Chain afterwards does
// not change it (a Chain's compiled Program never changes). The buffers
// the chain reads and writes are shared with the caller: after a run,
// read them as you would after direct syscalls.
//
// # Concurrency
//
// Run may be called from many goroutines at once, each with its own
// Result: the words and the executor's steps are read-only, and each
// run's results and status go to its Result only. Runs of a chain that
// writes a buffer (a read into buf) share that buffer, as concurrent
// direct syscalls on the same buffer would; give each goroutine its own
// chain and buffer then.
//
// # Versus Chain.Run
//
// Chain.Run, RunOn and RunInto stay the simple path: build, run, look at
// the Result; each run validates nothing again (the compiled Program is
// kept) but chooses the backend, pins and unpins the chain's memory and
// builds the *StepError it returns. Prepare is for a chain run in a loop,
// where that per-run work matters: on the kernel backend it is most of
// the runtime's cost (see BenchmarkGetppid and the comparison in
// kernel/README.md).
type Prepared struct {
	prog *Program
	b    Backend
	name string
	how  uint8 // how execOn calls b (via)
	auto bool  // b was chosen by default: a traced refusal falls back to interp
	// fast: Run's fast path, while the chain is open (Close clears it),
	// so a run reads one word to know it may go ahead: on the kernel
	// backend Run makes the sys_chain call itself (kernelCall), with the
	// words' count and address worked out by Prepare, in the call form
	// fastRaw or fastSyscall; on interp (fastInterp) it calls the
	// executor. 0: every run takes the general path (execOn).
	fast   atomic.Uint32
	nw     uintptr
	wp     unsafe.Pointer
	pins   *pinState // nil when the chain points to no Go memory
	clean  goruntime.Cleanup
	closed atomic.Bool
}

// Prepared.fast: the direct call forms.
const (
	fastRaw     = 1 // RawSyscall6: every step is NoBlock
	fastSyscall = 2 // Syscall6
	fastInterp  = 3 // the executor
)

// pinState holds the Pinner apart from the Prepared, so a cleanup
// attached to the Prepared can reach it (a cleanup must not reach the
// object it is attached to).
type pinState struct {
	pinner goruntime.Pinner
}

// Prepare makes the chain ready to run many times on b (nil: the default
// backend for this chain, chosen now, as Run would choose it). It returns
// the chain's build or validation error. A backend that will refuse the
// chain (one without an operation for a step, say) does so at each Run,
// as it does for RunInto. Call Close when done.
func (c *Chain) Prepare(b Backend) (*Prepared, error) {
	p, err := c.Program()
	if err != nil {
		return nil, err
	}
	return p.Prepare(b)
}

// Prepare makes the program ready to run many times on b (nil: the
// default backend for p); see Chain.Prepare. A RawProgram that failed
// validation is refused here with its validation error.
func (p *Program) Prepare(b Backend) (*Prepared, error) {
	if p.err != nil {
		return nil, p.err
	}
	auto := b == nil
	if auto {
		b = DefaultBackend(p)
	}
	pc := &Prepared{prog: p, b: b, name: b.Name(), auto: auto}
	pc.how = via(b, p)
	if pc.how == viaKernel && directOK(p) {
		pc.fast.Store(fastSyscall)
		if p.noblock {
			pc.fast.Store(fastRaw)
		}
		pc.nw, pc.wp = uintptr(len(p.words)), unsafe.Pointer(unsafe.SliceData(p.words))
	}
	if pc.how == viaInterp && len(p.after) == 0 {
		pc.fast.Store(fastInterp)
	}
	p.exec() // decode the executor's steps now, not on the first run
	if len(p.pins) > 0 {
		ps := new(pinState)
		for _, ptr := range p.pins {
			ps.pinner.Pin(ptr)
		}
		pc.pins = ps
		pc.clean = goruntime.AddCleanup(pc, (*pinState).unpin, ps)
	}
	return pc, nil
}

func (ps *pinState) unpin() { ps.pinner.Unpin() }

// directOK reports whether a prepared run on the kernel backend may make
// p's sys_chain call itself (kernelCall) instead of going through
// execOn and Kernel.Exec: the call is the same (p's words and flags), a
// refusal still goes to Kernel.Exec, which reports or handles it, and a
// resumable stop (version 2: Pause, Restart) is resumed by Run like
// execOn resumes it. A chain with AfterStep functions takes the general
// path, which calls them.
func directOK(p *Program) bool { return len(p.words) > 0 && len(p.after) == 0 }

// Close unpins the chain's memory. Runs after Close do nothing and report
// ErrClosed; a second Close returns ErrClosed.
func (pc *Prepared) Close() error {
	pc.fast.Store(0)
	if pc.closed.Swap(true) {
		return ErrClosed
	}
	if pc.pins != nil {
		pc.clean.Stop()
		pc.pins.unpin()
	}
	return nil
}

// Backend returns the backend the chain runs on.
func (pc *Prepared) Backend() Backend { return pc.b }

// Program returns the compiled chain.
func (pc *Prepared) Program() *Program { return pc.prog }

// Len returns the number of steps.
func (pc *Prepared) Len() int { return pc.prog.n }

// Run runs the chain once, writing every step's result and the run's
// status into r, and reports whether the chain ran to its end. When it
// did not, r.Err() says why: the *StepError of the step that stopped it,
// the backend's refusal (nothing ran), or ErrClosed. r may be reused for
// every run (the first run into it allocates its result slots); it must
// not be used by two runs at once.
//
//	var r runtime.Result
//	for ... {
//		if !pc.Run(&r) {
//			return r.Err()
//		}
//		n := r.Ret(1)
//	}
func (pc *Prepared) Run(r *Result) bool {
	// The fast path, into the Result the last run used: the kernel
	// backend's call made here, or the interpreter called directly. The
	// per-run work is the syscalls and two stores.
	if f := pc.fast.Load(); f != 0 && r.last == pc {
		var (
			st uintptr
			e  unix.Errno
		)
		switch f {
		case fastRaw:
			st, e = kernelCallRaw(pc.nw, pc.wp, r.raw, pc.prog.flags)
		case fastSyscall:
			st, e = kernelCall(pc.nw, pc.wp, r.raw, pc.prog.flags)
		default: // fastInterp
			st = execute(pc.prog, r.raw, nil)
		}
		goruntime.KeepAlive(pc) // keeps the words and pinned memory reachable
		if e == 0 {
			if st <= uintptr(len(r.raw)) { // why End: the common case
				r.Steps, r.Why = int(st), End
				return true
			}
			if st>>16&0xF >= uintptr(Pause) && st>>20 == 0 {
				// A signal stopped it (version 2): resume, as execOn does.
				st2, fellBack, err := resumeLoop(pc.b, pc.auto, pc.prog, r.raw, st)
				if fellBack {
					// The rest ran on interp (a tracer attached while
					// the chain was stopped): say so for this run; the
					// next run takes the general path, which sets the
					// name again.
					r.Backend, r.last = interpName, nil
				}
				if err != nil {
					r.refused(err)
					return false
				}
				st = st2
			}
			return r.setStatus(st) && r.Why == End
		}
		// Refused before any step ran: Kernel.Exec decides what that
		// means (its error, or a fallback).
		return pc.run(r, true)
	}
	return pc.run(r, false)
}

// run is Run's general path; refused says the fast path's call was
// refused (nothing ran).
func (pc *Prepared) run(r *Result, refused bool) bool {
	if r.last != pc {
		pc.attach(r)
	}
	if pc.closed.Load() {
		r.refused(ErrClosed)
		return false
	}
	if !refused && pc.fast.Load() != 0 {
		// A first run into r: it takes the fast path too, so that every
		// run makes the same call.
		return pc.Run(r)
	}
	st, fellBack, err := execOn(pc.b, pc.how, pc.auto, pc.prog, r.raw)
	if fellBack {
		r.Backend = interpName
	}
	// The words hold the addresses of pinned memory as integers only;
	// pc keeps it reachable (and pinned) until the run is over.
	goruntime.KeepAlive(pc)
	if err != nil {
		r.refused(err)
		return false
	}
	if st <= uintptr(len(r.raw)) { // why End, at most n steps: the common case
		r.Steps, r.Why = int(st), End
		if len(pc.prog.after) > 0 {
			r.runAfter()
		}
		return true
	}
	return r.setStatus(st) && r.Why == End
}

// attach makes r the Result of pc's runs: its result slots sized, its
// program and backend set, no error. A run into the Result it attached
// last skips this; anything that changes those (RunInto, a refused run)
// detaches r.
func (pc *Prepared) attach(r *Result) {
	n := pc.prog.n
	if cap(r.raw) < n {
		r.raw = make([]uintptr, n)
	}
	r.raw = r.raw[:n]
	r.prog, r.Backend, r.fail, r.last = pc.prog, pc.name, nil, pc
}
