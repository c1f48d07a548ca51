package runtime

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"

	"golang.org/x/sys/unix"
)

// refCmp is the spec's comparison table on the machine word (int, uint),
// written apart from the executor's.
func refCmp(c Cmp, r, v int) bool {
	ur, uv := uint(r), uint(v)
	return map[Cmp]bool{EQ: r == v, NE: r != v, GT: r > v, GTU: ur > uv, LT: r < v, LTU: ur < uv, GE: r >= v, GEU: ur >= uv, LE: r <= v, LEU: ur <= uv}[c]
}

// TestDryRunComparisons: every comparison on scripted results that no
// syscall returns (MinInt64, MaxUint64 = -1, ...), against literal and
// symbolic values.
func TestDryRunComparisons(t *testing.T) {
	edges := []int{math.MinInt, -4096, -4095, -1, 0, 1, math.MaxInt}
	for c := EQ; c < numCmp; c++ {
		for _, r := range edges {
			for _, v := range edges {
				var lit Chain
				lit.Syscall(unix.SYS_GETPID).When(c, v)
				lit.Syscall(unix.SYS_GETPID)
				var sym Chain
				sym.Syscall(unix.SYS_GETPID).AllowError()
				sym.Syscall(unix.SYS_GETPID).AllowError().When(c, Ret(0))
				sym.Syscall(unix.SYS_GETPID)
				want := refCmp(c, r, v)
				for _, flags := range []uintptr{0, FlagV2} {
					lp, _ := lit.Program()
					var res Result
					lp.WithFlags(flags).RunInto(&DryRun{Results: []int64{int64(r), 7}}, &res)
					sp, _ := sym.Program()
					var sres Result
					sp.WithFlags(flags).RunInto(&DryRun{Results: []int64{int64(v), int64(r), 7}}, &sres)
					switch {
					case flags == 0 && isErrno(uintptr(r)):
						// Version 1: r in the errno range stops the
						// literal chain first (errstop).
						if res.Why != ErrStop {
							t.Errorf("v1 %s r=%d: why %s, want error stop", c, r, res.Why)
						}
					case flags != 0 && !want && isErrno(uintptr(r)):
						// Version 2: the conditions first, then errstop.
						if res.Why != ErrStop {
							t.Errorf("v2 %s r=%d v=%d: why %s, want error stop", c, r, v, res.Why)
						}
					default:
						if got := res.Why == CondStop; got != want {
							t.Errorf("flags %d %s r=%d v=%d literal: stopped=%v, want %v", flags, c, r, v, got, want)
						}
					}
					if flags != 0 && isErrno(uintptr(v)) {
						// Version 2: a condition value naming a failed step.
						if sres.Why != RefStop {
							t.Errorf("v2 %s r=%d v=$0=%d: why %s, want reference stop", c, r, v, sres.Why)
						}
					} else if got := sres.Why == CondStop; got != want {
						t.Errorf("flags %d %s r=%d v=$0=%d symbolic: stopped=%v, want %v", flags, c, r, v, got, want)
					}
				}
			}
		}
	}
}

// TestDryRunRefsEveryPosition: a reference resolves in each of the six
// argument slots, and literals stay as they are.
func TestDryRunRefsEveryPosition(t *testing.T) {
	for k := 0; k < 6; k++ {
		args := []any{10, 11, 12, 13, 14, 15}
		args[k] = Ret(1)
		var c Chain
		c.Syscall(unix.SYS_GETPID)
		c.Syscall(unix.SYS_GETPPID)
		c.Syscall(unix.SYS_COPY_FILE_RANGE, args...)
		var got [6]uintptr
		d := &DryRun{Func: func(step int, nr uintptr, a [6]uintptr) int64 {
			if step == 2 {
				got = a
			}
			return int64(100 + step)
		}}
		if _, err := c.RunOn(d); err != nil {
			t.Fatal(err)
		}
		for j := 0; j < 6; j++ {
			want := uintptr(10 + j)
			if j == k {
				want = 101
			}
			if got[j] != want {
				t.Errorf("ref in slot %d: slot %d = %d, want %d", k, j, got[j], want)
			}
		}
	}
}

// TestDryRunIntr: version 1 stops on EINTR and every restart code (stored
// as EINTR); version 2 re-issues a step interrupted with -ERESTARTSYS or
// -ERESTARTNOINTR and treats EINTR, -ERESTARTNOHAND and
// -ERESTART_RESTARTBLOCK as an ordinary EINTR error.
func TestDryRunIntr(t *testing.T) {
	for _, r := range []int64{-4 /* EINTR */, -512, -513, -514, -516} {
		var c Chain
		c.Syscall(unix.SYS_GETPID).AllowError()
		c.Syscall(unix.SYS_GETPID)
		p, _ := c.Program()
		var res Result
		err := p.WithFlags(0).RunInto(&DryRun{Results: []int64{r}}, &res)
		if res.Why != Intr || res.Steps != 1 || res.Ret(0) != -int64(unix.EINTR) || !errors.Is(err, ErrInterrupted) || !errors.Is(err, unix.EINTR) {
			t.Errorf("v1 result %d: why %s ran %d ret %d err %v", r, res.Why, res.Steps, res.Ret(0), err)
		}

		calls := 0
		d := &DryRun{Func: func(step int, nr uintptr, a [6]uintptr) int64 {
			calls++
			if step == 0 && calls == 1 {
				return r
			}
			return int64(100 + step)
		}}
		var c2 Chain
		c2.Syscall(unix.SYS_GETPID)
		c2.Syscall(unix.SYS_GETPID)
		res2, err := c2.RunOn(d)
		if r == -512 || r == -513 {
			if err != nil || res2.Why != End || res2.Steps != 2 || res2.Ret(0) != 100 || calls != 3 {
				t.Errorf("v2 result %d: why %s ran %d ret %d calls %d err %v; want the step re-issued", r, res2.Why, res2.Steps, res2.Ret(0), calls, err)
			}
		} else if res2.Why != ErrStop || res2.Steps != 1 || res2.Ret(0) != -int64(unix.EINTR) || !errors.Is(err, unix.EINTR) || calls != 1 {
			t.Errorf("v2 result %d: why %s ran %d ret %d calls %d err %v; want an EINTR error stop", r, res2.Why, res2.Steps, res2.Ret(0), calls, err)
		}
	}
	// -515 (ENOIOCTLCMD) is not a restart code.
	var c Chain
	c.Syscall(unix.SYS_GETPID)
	if res, _ := c.RunOn(&DryRun{Results: []int64{-515}}); res.Why != ErrStop || res.Ret(0) != -515 {
		t.Errorf("-515: why %s ret %d", res.Why, res.Ret(0))
	}
}

// TestDryRunFlow: jumps, continue, ECANCELED and the Result's replay.
func TestDryRunFlow(t *testing.T) {
	var c Chain
	c.Syscall(unix.SYS_GETPID).When(EQ, 1).Goto(3)                             // 0: r=1 -> 3
	c.Syscall(unix.SYS_GETPID)                                                 // 1: skipped
	c.Syscall(unix.SYS_GETPID)                                                 // 2: skipped
	c.Syscall(unix.SYS_GETPID).AllowError().When(EQ, Ret(1)).Goto(5).RawRefs() // 3: r == $1 (-ECANCELED) -> 5
	c.Syscall(unix.SYS_GETPID)                                                 // 4: skipped
	c.Syscall(unix.SYS_GETPID).When(GT, 0).Continue()                          // 5
	c.Syscall(unix.SYS_GETPID).AllowError().When(LT, 0)                        // 6: r=-2 stops
	c.Syscall(unix.SYS_GETPID)                                                 // 7: not run
	seen := []int{}
	d := &DryRun{Func: func(step int, nr uintptr, a [6]uintptr) int64 {
		seen = append(seen, step)
		return map[int]int64{0: 1, 3: -int64(unix.ECANCELED), 5: 9, 6: -2}[step]
	}}
	res, err := c.RunOn(d)
	if fmt.Sprint(seen) != "[0 3 5 6]" {
		t.Errorf("ran steps %v, want [0 3 5 6]", seen)
	}
	var se *StepError
	if !errors.As(err, &se) || se.Step != 6 || se.Why != CondStop || se.Errno != unix.ENOENT || se.Cond != 0 {
		t.Errorf("error %#v", err)
	}
	if res.Steps != 4 || res.Last() != 6 || !res.Ran(5) || res.Ran(4) || res.Ret(4) != -int64(unix.ECANCELED) {
		t.Errorf("steps %d last %d ran(5) %v ran(4) %v ret4 %d", res.Steps, res.Last(), res.Ran(5), res.Ran(4), res.Ret(4))
	}
	if res.Errno(6) != unix.ENOENT || res.Errno(5) != 0 {
		t.Errorf("Errno: %v %v", res.Errno(6), res.Errno(5))
	}
}

func TestDryRunBound(t *testing.T) {
	buf := make([]byte, 10)
	var c Chain
	c.Syscall(unix.SYS_GETPID)
	c.Begin(LookupSigName("read"))
	c.ArgInt(0, 0)
	c.ArgBuf(1, buf)
	c.ArgLen(2, int64(Ret(0)), 1)
	for _, tc := range []struct {
		r    int64
		why  Why
		ran  int
		ret1 int64
	}{{10, End, 2, 0}, {11, Bound, 1, -int64(unix.EOVERFLOW)}, {0, End, 2, 0}} {
		res, err := c.RunOn(&DryRun{Results: []int64{tc.r}})
		if res.Why != tc.why || res.Steps != tc.ran || res.Ret(1) != tc.ret1 {
			t.Errorf("len %d: why %s ran %d ret %d (%v)", tc.r, res.Why, res.Steps, res.Ret(1), err)
		}
		var se *StepError
		if tc.why == Bound && (!errors.As(err, &se) || se.Step != 1 || se.Arg != 2 || !errors.Is(err, unix.EOVERFLOW)) {
			t.Errorf("bound error %#v", err)
		}
	}
	// The length before its buffer, and an explicit Bound: the tighter wins.
	var o Chain
	o.Syscall(unix.SYS_GETPID)
	o.Begin(LookupSigName("read"))
	o.ArgLen(2, int64(Ret(0)), 1)
	o.ArgBuf(1, buf)
	o.Bound(2, 6)
	for r, want := range map[int64]Why{6: End, 7: Bound, 11: Bound} {
		if res, _ := o.RunOn(&DryRun{Results: []int64{r}}); res.Why != want {
			t.Errorf("length first, bound 6, len %d: why %s, want %s", r, res.Why, want)
		}
	}
	var o2 Chain
	o2.Syscall(unix.SYS_GETPID)
	o2.Begin(LookupSigName("read"))
	o2.ArgLen(2, int64(Ret(0)), 1)
	o2.Bound(2, 100)
	o2.ArgBuf(1, buf)
	for r, want := range map[int64]Why{10: End, 11: Bound} {
		if res, _ := o2.RunOn(&DryRun{Results: []int64{r}}); res.Why != want {
			t.Errorf("bound 100 then a 10-byte buffer, len %d: why %s, want %s", r, res.Why, want)
		}
	}
	// An empty buffer bounds a symbolic length at 0.
	var e Chain
	e.Syscall(unix.SYS_GETPID)
	e.Begin(LookupSigName("read"))
	e.ArgBuf(1, nil)
	e.ArgLen(2, int64(Ret(0)), 1)
	if res, _ := e.RunOn(&DryRun{Results: []int64{1}}); res.Why != Bound {
		t.Errorf("empty buffer, length 1: why %s", res.Why)
	}
}

// badBackend returns a status word its chain cannot produce.
type badBackend struct{ st uintptr }

func (badBackend) Name() string                                    { return "bad" }
func (b badBackend) Exec(p *Program, r []uintptr) (uintptr, error) { return b.st, nil }

func TestMalformedStatus(t *testing.T) {
	var c Chain
	c.Syscall(unix.SYS_GETPID)
	for _, st := range []uintptr{2, 1 << 20, 9 << 16, status(0, ErrStop)} {
		if _, err := c.RunOn(badBackend{st}); err == nil || isStepErr(err) {
			t.Errorf("status %#x: %v, want a backend fault", st, err)
		}
	}
}

func isStepErr(err error) bool { var se *StepError; return errors.As(err, &se) }

func TestInterpErrno(t *testing.T) {
	var c Chain
	c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, "/nonexistent/syschain", unix.O_RDONLY, 0)
	c.Syscall(unix.SYS_CLOSE, Ret(0))
	res, err := c.Run()
	if !errors.Is(err, unix.ENOENT) || !errors.Is(err, ErrStopped) {
		t.Fatalf("error %v, want ENOENT", err)
	}
	var se *StepError
	if !errors.As(err, &se) || se.Step != 0 || se.Name != "openat" || res.Ret(1) != -int64(unix.ECANCELED) {
		t.Errorf("%#v, ret1 %d", err, res.Ret(1))
	}
}

func TestBackendRegistry(t *testing.T) {
	if b := DefaultBackend(nil); b.Name() != "interp" {
		t.Fatalf("default backend %s", b.Name())
	}
	if _, err := BackendByName("nope"); err == nil {
		t.Error("BackendByName(nope) succeeded")
	}
	if b, err := BackendByName("dryrun"); err != nil || b.Name() != "dryrun" {
		t.Errorf("dryrun: %v %v", b, err)
	}
	if b, err := BackendByName("interp"); err != nil || b.Name() != "interp" {
		t.Errorf("interp: %v %v", b, err)
	}
}

// TestConcurrentRuns: one chain, many goroutines (run with -race).
func TestConcurrentRuns(t *testing.T) {
	fd, err := unix.MemfdCreate("concurrent", unix.MFD_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	msg := []byte("0123456789")
	var c Chain
	c.Syscall(unix.SYS_GETPPID).NoBlock()
	c.Syscall(unix.SYS_DUP, fd)
	c.Syscall(unix.SYS_PWRITE64, Ret(1), msg, len(msg), 0)
	c.Syscall(unix.SYS_CLOSE, Ret(1))
	c.Syscall(unix.SYS_GETPID).When(EQ, 0) // never true
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var r Result
			for i := 0; i < 200; i++ {
				if err := c.RunInto(nil, &r); err != nil {
					errs <- err
					return
				}
				if r.Steps != 5 || r.Ret(0) != int64(unix.Getppid()) || r.Ret(2) != 10 || r.Ret(4) != int64(unix.Getpid()) {
					errs <- fmt.Errorf("run %d: %v", i, r.String())
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestZeroAllocRerun: re-running a built chain allocates nothing.
func TestZeroAllocRerun(t *testing.T) {
	buf := make([]byte, 64)
	var c Chain
	c.Syscall(unix.SYS_GETPPID).NoBlock()
	c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, "/proc/self/stat", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	c.Begin(LookupSigName("read"))
	c.ArgInt(0, int64(Ret(1)))
	c.ArgBuf(1, buf)
	c.ArgLen(2, int64(len(buf)), 1)
	c.Syscall(unix.SYS_CLOSE, Ret(1))
	var r Result
	if err := c.RunInto(nil, &r); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() {
		if err := c.RunInto(Interp{}, &r); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("%v allocs per re-run, want 0", n)
	}
	if n := testing.AllocsPerRun(100, func() { _ = c.RunInto(nil, &r) }); n != 0 {
		t.Errorf("%v allocs per re-run on the default backend, want 0", n)
	}
}

// TestInterpCallForms: the executor's four ways of making a syscall (the
// 3-argument NoError forms where arguments 4-6 are 0, the 6-argument
// forms otherwise; raw for NoBlock) report results and errnos alike.
func TestInterpCallForms(t *testing.T) {
	for _, noblock := range []bool{false, true} {
		var c Chain
		add := func(nr uintptr, args ...any) {
			c.Syscall(nr, args...).AllowError()
			if noblock {
				c.NoBlock()
			}
		}
		add(unix.SYS_CLOSE, -1)                                                     // 3-arg form: EBADF
		add(unix.SYS_OPENAT, unix.AT_FDCWD, "/nonexistent/x", unix.O_RDONLY, 0)     // 4 args, the 4th 0: 3-arg form
		add(unix.SYS_OPENAT, unix.AT_FDCWD, "/nonexistent/x", unix.O_RDONLY, 0o644) // 6-arg form: ENOENT
		add(unix.SYS_GETPPID)                                                       // 3-arg form: success
		add(unix.SYS_LSEEK, -1, 0, unix.SEEK_SET)                                   // EBADF
		p, err := c.Program()
		if err != nil {
			t.Fatal(err)
		}
		want := []uint8{call3, call3, call6, call3, call3}
		if !rawRetIsNegErrno {
			want = []uint8{call6, call6, call6, call6, call6}
		}
		for i, x := range p.exec() {
			w := want[i]
			if noblock {
				w++ // the raw twin
			}
			if x.call != w {
				t.Errorf("noblock=%v step %d: call form %d, want %d", noblock, i, x.call, w)
			}
		}
		res, err := c.RunOn(Interp{})
		if err != nil {
			t.Fatal(err)
		}
		errnos := []unix.Errno{unix.EBADF, unix.ENOENT, unix.ENOENT, 0, unix.EBADF}
		for i, e := range errnos {
			if got := res.Errno(i); got != e {
				t.Errorf("noblock=%v step %d: errno %v, want %v (ret %d)", noblock, i, got, e, res.Ret(i))
			}
		}
		if got := res.Ret(3); got != int64(unix.Getppid()) {
			t.Errorf("noblock=%v getppid step returned %d, want %d", noblock, got, unix.Getppid())
		}
		if res.Steps != 5 || res.Why != End {
			t.Errorf("noblock=%v: ran %d (%s), want 5 (end)", noblock, res.Steps, res.Why)
		}
	}
}
