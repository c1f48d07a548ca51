// Package conformance is a semantic test suite for syschain backends: it
// runs chains whose outcome the wire-format spec (docs/wire-format.md)
// fixes on any runtime.Backend and reports every difference.
//
// It does not import "testing", so a static program can run it where
// `go test` cannot: the kernel backend's QEMU guest runs
//
//	fails := conformance.Run(kernelBackend)
//
// and the host tests run it against interp. The suite needs only what a
// tiny guest has: getpid, getppid, memfd_create, pipe2, dup, close, lseek,
// read, write and copy_file_range; it touches no file system.
package conformance

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/syschain/syschain/runtime"
	"golang.org/x/sys/unix"
)

// Failure is one case that did not behave as the spec says.
type Failure struct {
	Case string // e.g. "cmp/GTU/r=0/v=-1"
	Err  string // what was expected and what happened
}

func (f Failure) String() string { return f.Case + ": " + f.Err }

// Case is one named check.
type Case struct {
	Name string
	Run  func(e *Env) error
}

// Env is what cases share: the backend and a few descriptors made outside
// any chain.
type Env struct {
	B      runtime.Backend
	Memfd  int // a memfd; cases seek it to produce chosen results
	Memfd2 int
	PipeR  int
	PipeW  int

	// Prepared: the checks run chains through Chain.Prepare and
	// Prepared.Run instead of Chain.RunInto.
	Prepared bool
	// Flags are the sys_chain flags the built chains of a case run with:
	// 0 (version 1) or runtime.FlagV2. RunCases runs every case under
	// version 1 and again under version 2 (named "v2:" + name), except
	// those only one version defines (V1Only, names starting "v2/").
	Flags uintptr
}

// V1Only reports the cases whose outcome version 2 changes on purpose:
// a reference to a failed or skipped step (which version 2 refuses to
// run) and an error stop that version 2 tests after the conditions. The
// v2/ cases check the new outcome of the same situations.
func V1Only(name string) bool {
	switch name {
	case "action/skipped-result-reads-ECANCELED", "action/skipped-value-in-condition",
		"bound/over/-9", "err/errstop-before-conditions", "refuse/reserved-bit-29":
		return true
	}
	return strings.HasPrefix(name, "cmpsym/") && strings.HasSuffix(name, "/v=$0=-9")
}

// Run runs every case on b and returns the failures (none: b conforms).
func Run(b runtime.Backend) []Failure {
	return RunCases(b, Cases())
}

// PreparedSuffix ends the name of a case's second run, through a
// prepared chain.
const PreparedSuffix = " (prepared)"

// RunCases runs the given cases on b, each twice: through Chain.RunInto,
// then through Chain.Prepare and Prepared.Run (its failures named with
// PreparedSuffix), each pass in a fresh Env. A case that panics is a
// failure.
func RunCases(b runtime.Backend, cases []Case) (fails []Failure) {
	for _, prepared := range []bool{false, true} {
		e, err := newEnv(b)
		if err != nil {
			return append(fails, Failure{"setup", err.Error()})
		}
		e.Prepared = prepared
		for _, c := range cases {
			for _, flags := range []uintptr{0, runtime.FlagV2} {
				if flags == 0 && strings.HasPrefix(c.Name, "v2/") || flags != 0 && V1Only(c.Name) {
					continue
				}
				e.Flags = flags
				if err := runCase(e, c); err != nil {
					name := c.Name
					if flags != 0 && !strings.HasPrefix(name, "v2/") {
						name = "v2:" + name
					}
					if prepared {
						name += PreparedSuffix
					}
					fails = append(fails, Failure{name, err.Error()})
				}
			}
		}
		e.close()
	}
	return fails
}

func runCase(e *Env, c Case) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return c.Run(e)
}

func newEnv(b runtime.Backend) (*Env, error) {
	e := &Env{B: b, Memfd: -1, Memfd2: -1, PipeR: -1, PipeW: -1}
	var err error
	if e.Memfd, err = unix.MemfdCreate("syschain-conformance", unix.MFD_CLOEXEC); err != nil {
		return nil, fmt.Errorf("memfd_create: %w", err)
	}
	if e.Memfd2, err = unix.MemfdCreate("syschain-conformance-2", unix.MFD_CLOEXEC); err != nil {
		e.close()
		return nil, fmt.Errorf("memfd_create: %w", err)
	}
	// Memfd has 4096 bytes, so copy_file_range and SEEK_END have data.
	if err = unix.Ftruncate(e.Memfd, 4096); err != nil {
		e.close()
		return nil, fmt.Errorf("ftruncate: %w", err)
	}
	var p [2]int
	if err = unix.Pipe2(p[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
		e.close()
		return nil, fmt.Errorf("pipe2: %w", err)
	}
	e.PipeR, e.PipeW = p[0], p[1]
	return e, nil
}

func (e *Env) close() {
	for _, fd := range []int{e.Memfd, e.Memfd2, e.PipeR, e.PipeW} {
		if fd >= 0 {
			unix.Close(fd)
		}
	}
}

// drain empties the pipe so a case starts clean.
func (e *Env) drain() {
	var buf [512]byte
	for {
		if n, err := unix.Read(e.PipeR, buf[:]); n <= 0 || err != nil {
			return
		}
	}
}

// want describes an expected run.
type want struct {
	ran  int
	why  runtime.Why
	rets map[int]int64 // step -> expected result (only the listed ones)
	is   []error       // errors.Is targets the run's error must match
}

func (e *Env) run(c *runtime.Chain) (*runtime.Result, error) {
	if err := c.Err(); err != nil {
		return nil, fmt.Errorf("building: %w", err)
	}
	var r runtime.Result
	err := e.runInto(c, &r)
	var se *runtime.StepError
	if err != nil && !errors.As(err, &se) {
		return nil, fmt.Errorf("run refused: %w", err)
	}
	return &r, nil
}

// program compiles c for the case's version (Flags).
func (e *Env) program(c *runtime.Chain) (*runtime.Program, error) {
	p, err := c.Program()
	if err != nil {
		return nil, err
	}
	p = p.WithFlags(e.Flags)
	return p, p.Validate()
}

// runOn is Chain.RunOn the way e says.
func (e *Env) runOn(c *runtime.Chain) (*runtime.Result, error) {
	if err := c.Err(); err != nil {
		return nil, err
	}
	r := new(runtime.Result)
	err := e.runInto(c, r)
	if _, ok := err.(*runtime.StepError); err != nil && !ok {
		return nil, err
	}
	return r, err
}

// runInto runs c on the backend into r, the way e says (RunInto, or a
// prepared chain run once), and returns the run's error.
func (e *Env) runInto(c *runtime.Chain, r *runtime.Result) error {
	p, err := e.program(c)
	if err != nil {
		return err
	}
	if !e.Prepared {
		return p.RunInto(e.B, r)
	}
	pc, err := p.Prepare(e.B)
	if err != nil {
		return err
	}
	defer pc.Close()
	pc.Run(r)
	return r.Err()
}

func (e *Env) check(c *runtime.Chain, w want) error {
	var r runtime.Result
	err := e.runInto(c, &r)
	var se *runtime.StepError
	if err != nil && !errors.As(err, &se) {
		return fmt.Errorf("run refused: %v", err)
	}
	var msgs []string
	if r.Steps != w.ran || r.Why != w.why {
		msgs = append(msgs, fmt.Sprintf("ran %d steps (%s), want %d (%s)", r.Steps, r.Why, w.ran, w.why))
	}
	if (w.why == runtime.End) != (err == nil) {
		msgs = append(msgs, fmt.Sprintf("error %v for a run ending with %s", err, r.Why))
	}
	for i := 0; i < r.Len(); i++ {
		if v, ok := w.rets[i]; ok && r.Ret(i) != v {
			msgs = append(msgs, fmt.Sprintf("step %d returned %d, want %d", i, r.Ret(i), v))
		}
	}
	for _, t := range w.is {
		if !errors.Is(err, t) {
			msgs = append(msgs, fmt.Sprintf("error %v is not %v", err, t))
		}
	}
	if len(msgs) > 0 {
		return fmt.Errorf("%s\nchain:\n%s", strings.Join(msgs, "; "), r.String())
	}
	return nil
}

const canceled = -int64(unix.ECANCELED)

// produce adds a step whose result is v: lseek on a memfd for v >= 0, or
// close(-1) (-EBADF) for v == -EBADF. Errors are allowed so a negative
// result does not stop the chain.
func produce(c *runtime.Chain, fd int, v int64) *runtime.Chain {
	if v == -int64(unix.EBADF) {
		return c.Syscall(unix.SYS_CLOSE, -1).AllowError()
	}
	return c.Syscall(unix.SYS_LSEEK, fd, v, unix.SEEK_SET)
}

// Results a chain can produce on demand, and condition values to compare
// them with: the edges of signed and unsigned words.
var (
	producible = []int64{0, 1, math.MaxInt, -int64(unix.EBADF)}
	edgeValues = []int64{-1, 0, 1, math.MaxInt, math.MinInt, -int64(unix.EBADF)}
)

// holds is the spec's comparison table, written independently of the
// runtime's: signed on int64 (the word is the arch's int), unsigned on the
// word's bits.
func holds(cmp runtime.Cmp, r, v int64) bool {
	ur, uv := uint(r), uint(v)
	switch cmp {
	case runtime.EQ:
		return r == v
	case runtime.NE:
		return r != v
	case runtime.GT:
		return r > v
	case runtime.GTU:
		return ur > uv
	case runtime.LT:
		return r < v
	case runtime.LTU:
		return ur < uv
	case runtime.GE:
		return r >= v
	case runtime.GEU:
		return ur >= uv
	case runtime.LE:
		return r <= v
	case runtime.LEU:
		return ur <= uv
	}
	panic("bad cmp")
}

var allCmps = []runtime.Cmp{runtime.EQ, runtime.NE, runtime.GT, runtime.GTU, runtime.LT, runtime.LTU, runtime.GE, runtime.GEU, runtime.LE, runtime.LEU}

func name(v int64) string {
	switch v {
	case math.MaxInt:
		return "MaxInt"
	case math.MinInt:
		return "MinInt"
	case -1:
		return "-1(MaxUint)"
	}
	return strconv.FormatInt(v, 10)
}

// Cases returns the whole suite.
func Cases() []Case {
	var cs []Case
	// Every comparison, literal values at the edges.
	for _, cmp := range allCmps {
		for _, r := range producible {
			for _, v := range edgeValues {
				cmp, r, v := cmp, r, v
				cs = append(cs, Case{fmt.Sprintf("cmp/%s/r=%s/v=%s", cmp, name(r), name(v)), func(e *Env) error {
					var c runtime.Chain
					produce(&c, e.Memfd, r).When(cmp, int(v))
					c.Syscall(unix.SYS_GETPID)
					if holds(cmp, r, v) {
						return e.check(&c, want{ran: 1, why: runtime.CondStop, rets: map[int]int64{0: r, 1: canceled}, is: []error{runtime.ErrCondStop}})
					}
					return e.check(&c, want{ran: 2, why: runtime.End, rets: map[int]int64{0: r, 1: int64(unix.Getpid())}})
				}})
			}
		}
	}
	// Every comparison against a symbolic value (an earlier result).
	for _, cmp := range allCmps {
		for _, r := range producible {
			for _, v := range producible {
				cmp, r, v := cmp, r, v
				cs = append(cs, Case{fmt.Sprintf("cmpsym/%s/r=%s/v=$0=%s", cmp, name(r), name(v)), func(e *Env) error {
					var c runtime.Chain
					produce(&c, e.Memfd2, v)
					produce(&c, e.Memfd, r).When(cmp, runtime.Ret(0))
					c.Syscall(unix.SYS_GETPID)
					if holds(cmp, r, v) {
						return e.check(&c, want{ran: 2, why: runtime.CondStop, rets: map[int]int64{0: v, 1: r, 2: canceled}})
					}
					return e.check(&c, want{ran: 3, why: runtime.End, rets: map[int]int64{0: v, 1: r}})
				}})
			}
		}
	}
	cs = append(cs, multiCondCases()...)
	cs = append(cs, actionCases()...)
	cs = append(cs, refCases()...)
	cs = append(cs, boundCases()...)
	cs = append(cs, errCases()...)
	cs = append(cs, refusalCases()...)
	cs = append(cs, dataCases()...)
	cs = append(cs, v2Cases()...)
	return cs
}
