package runtime

import (
	"errors"
	"fmt"
	"math"
	goruntime "runtime"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

func TestRet(t *testing.T) {
	for _, i := range []int{0, 1, 255} {
		v := Ret(i)
		for _, as := range []int64{int64(v), int64(uintptr(v))} {
			if j, ok := IsRet(as); !ok || j != i {
				t.Errorf("IsRet(Ret(%d) as %#x) = %d, %v", i, as, j, ok)
			}
		}
	}
	for _, v := range []int64{0, 1, -1, -100, math.MaxInt64, math.MinInt64, unix.AT_FDCWD, 0x7fffffff} {
		if _, ok := IsRet(v); ok {
			t.Errorf("IsRet(%#x) is true", v)
		}
	}
	for _, tc := range []struct {
		i    int
		want string
	}{
		{-1, "Ret(i) with a negative i in step 1"},
		{MaxSteps, "Ret(i) with i >= 256"},
		{1 << 20, "Ret(i) with i >= 256"},
		{1, "Ret(1) in step 1"},
	} {
		var c Chain
		c.Syscall(unix.SYS_GETPID).Syscall(unix.SYS_CLOSE, Ret(tc.i))
		if err := c.Err(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Ret(%d) as an argument: %v, want %q", tc.i, err, tc.want)
		}
		c = Chain{}
		c.Syscall(unix.SYS_GETPID).Syscall(unix.SYS_GETPID).When(EQ, Ret(tc.i))
		if err := c.Err(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Ret(%d) in a condition: %v, want %q", tc.i, err, tc.want)
		}
	}
}

func buildErr(t *testing.T, c *Chain) *BuildError {
	t.Helper()
	err := c.Err()
	var be *BuildError
	if !errors.As(err, &be) {
		t.Fatalf("error %v, want a *BuildError", err)
	}
	if _, rerr := c.Run(); rerr == nil || rerr.Error() != err.Error() {
		t.Errorf("Run returned %v, want the build error", rerr)
	}
	if !errors.Is(err, unix.EINVAL) {
		t.Errorf("errors.Is(%v, EINVAL) is false", err)
	}
	return be
}

// TestBuildErrors: every rule the builder enforces, with the step and field
// it names.
func TestBuildErrors(t *testing.T) {
	read := LookupSigName("read")
	cases := []struct {
		name  string
		build func(c *Chain)
		rule  Rule
		step  int
		field string
	}{
		{"empty", func(c *Chain) {}, RuleEmpty, -1, ""},
		{"seven-args", func(c *Chain) { c.Syscall(unix.SYS_GETPID, 1, 2, 3, 4, 5, 6, 7) }, RuleTooManyArgs, 0, "args"},
		{"when-before-step", func(c *Chain) { c.When(EQ, 0) }, RuleNoStep, -1, "When"},
		{"goto-before-step", func(c *Chain) { c.Goto(1) }, RuleNoStep, -1, "Goto"},
		{"bad-cmp", func(c *Chain) { c.Syscall(unix.SYS_GETPID).When(Cmp(10), 0) }, RuleBadCond, 0, "cond[0]"},
		{"eight-conds", func(c *Chain) {
			c.Syscall(unix.SYS_GETPID)
			for i := 0; i < 8; i++ {
				c.When(EQ, i)
			}
		}, RuleTooManyConds, 0, "cond[7]"},
		{"self-ref", func(c *Chain) { c.Syscall(unix.SYS_CLOSE, Ret(0)) }, RuleBackRef, 0, "arg[0]"},
		{"later-ref", func(c *Chain) { c.Syscall(unix.SYS_GETPID).Syscall(unix.SYS_CLOSE, Ret(3)) }, RuleBackRef, 1, "arg[0]"},
		{"self-ref-cond", func(c *Chain) { c.Syscall(unix.SYS_GETPID).Syscall(unix.SYS_GETPID).When(EQ, Ret(1)) }, RuleBackRef, 1, "cond[0]"},
		{"ref-arg5", func(c *Chain) { c.Syscall(unix.SYS_GETPID).Syscall(unix.SYS_COPY_FILE_RANGE, 0, 0, 0, 0, 0, Ret(2)) }, RuleBackRef, 1, "arg[5]"},
		{"jump-back", func(c *Chain) { c.Syscall(unix.SYS_GETPID).Syscall(unix.SYS_GETPID).When(EQ, 0).Goto(0) }, RuleJumpRange, 1, "goto"},
		{"jump-self", func(c *Chain) { c.Syscall(unix.SYS_GETPID).When(EQ, 0).Goto(0) }, RuleJumpRange, 0, "goto"},
		{"jump-past-end", func(c *Chain) { c.Syscall(unix.SYS_GETPID).When(EQ, 0).Goto(2) }, RuleJumpRange, 0, "goto"},
		{"jump-negative", func(c *Chain) { c.Syscall(unix.SYS_GETPID).When(EQ, 0).Goto(-1) }, RuleJumpRange, 0, "goto"},
		{"two-actions", func(c *Chain) { c.Syscall(unix.SYS_GETPID).When(EQ, 0).Continue().Goto(1) }, RuleBadAction, 0, "action"},
		{"buf-len", func(c *Chain) {
			c.Begin(read)
			c.ArgInt(0, 0)
			c.ArgBuf(1, make([]byte, 4))
			c.ArgLen(2, 5, 1)
		}, RuleBufLen, 0, "arg[2]"},
		{"buf-len-negative", func(c *Chain) {
			c.Begin(read)
			c.ArgBuf(1, make([]byte, 4))
			c.ArgLen(2, -1, 1)
		}, RuleBufLen, 0, "arg[2]"},
		{"buf-len-before-buf", func(c *Chain) {
			c.Begin(read)
			c.ArgLen(2, 4096, 1)
			c.ArgBuf(1, make([]byte, 100))
		}, RuleBufLen, 0, "arg[2]"},
		{"len-slot-self", func(c *Chain) { c.Begin(read); c.ArgLen(2, 1, 2) }, RuleBadSlot, 0, "arg[2]"},
		{"literal-only", func(c *Chain) {
			c.Syscall(unix.SYS_GETPID)
			c.Begin(&Sig{Nr: unix.SYS_GETPID, Name: "x", Params: []Param{{"pgoff", KindUint}}})
			c.RequireLiteral(0, int64(Ret(0)), "mmap2 takes pages")
		}, RuleRetSplit, 1, "arg[0]"},
		{"bad-slot", func(c *Chain) { c.Begin(read); c.ArgInt(3, 0) }, RuleBadSlot, 0, "arg[3]"},
		{"bad-slot-negative", func(c *Chain) { c.Begin(read); c.ArgInt(-1, 0) }, RuleBadSlot, 0, "arg[-1]"},
		{"bound-slot", func(c *Chain) { c.Syscall(unix.SYS_GETPID).Bound(0, 1) }, RuleBadSlot, 0, "arg[0]"},
		{"bad-type", func(c *Chain) { c.Syscall(unix.SYS_WRITE, 1.5) }, RuleBadArg, 0, "arg[0]"},
		{"nul-in-string", func(c *Chain) { c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, "/etc\x00/passwd", 0, 0) }, RuleBadArg, 0, "arg[1]"},
		{"nil-sig", func(c *Chain) { c.Begin(nil) }, RuleNilSig, -1, "Begin"},
		{"too-many-steps", func(c *Chain) {
			for i := 0; i <= MaxSteps; i++ {
				c.Syscall(unix.SYS_GETPID)
			}
		}, RuleTooManySteps, -1, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var c Chain
			tc.build(&c)
			be := buildErr(t, &c)
			if be.Rule != tc.rule || be.Step != tc.step || be.Field != tc.field {
				t.Errorf("got rule %q step %d field %q, want %q %d %q\n%v", be.Rule, be.Step, be.Field, tc.rule, tc.step, tc.field, be)
			}
		})
	}
}

func TestBuildDenied(t *testing.T) {
	var c Chain
	c.Syscall(unix.SYS_GETPID).Syscall(unix.SYS_EXIT_GROUP, 0)
	_, err := c.Run()
	var de *DeniedError
	if !errors.As(err, &de) || de.Step != 1 || de.Name != "exit_group" || !errors.Is(err, unix.EPERM) {
		t.Fatalf("error %v, want a *DeniedError for step 1 exit_group", err)
	}
}

// TestFirstErrorKept: later building does not hide the first error.
func TestFirstErrorKept(t *testing.T) {
	var c Chain
	c.Syscall(unix.SYS_CLOSE, Ret(0))
	c.Syscall(unix.SYS_GETPID, 1, 2, 3, 4, 5, 6, 7)
	if !isRule(c.Err(), RuleBackRef) {
		t.Errorf("Err() = %v, want the first error (RuleBackRef)", c.Err())
	}
}

// TestKeptAlive: the chain holds the only references to its strings and
// buffers; after several GCs a run still sees their contents.
func TestKeptAlive(t *testing.T) {
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])
	build := func() *Chain {
		msg := []byte("kept alive")
		var c Chain
		c.Syscall(unix.SYS_WRITE, p[1], msg, len(msg))
		c.Syscall(unix.SYS_MEMFD_CREATE, "kept-alive-name", 0)
		c.Syscall(unix.SYS_CLOSE, Ret(1))
		return &c
	}
	c := build()
	for i := 0; i < 3; i++ {
		goruntime.GC()
		// Churn the heap so a freed object would be reused.
		for j := 0; j < 1000; j++ {
			b := make([]byte, 16)
			copy(b, "XXXXXXXXXXXXXXXX")
			_ = unsafe.Pointer(&b[0])
		}
	}
	if _, err := c.Run(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 32)
	n, _ := unix.Read(p[0], buf)
	if string(buf[:n]) != "kept alive" {
		t.Errorf("read %q after GC, want %q", buf[:n], "kept alive")
	}
}

// TestStaleProgram: changing a chain after a run recompiles it.
func TestStaleProgram(t *testing.T) {
	var c Chain
	c.Syscall(unix.SYS_GETPID)
	if _, err := c.Run(); err != nil {
		t.Fatal(err)
	}
	c.Syscall(unix.SYS_GETPPID)
	r, err := c.Run()
	if err != nil || r.Steps != 2 || r.Ret(1) != int64(unix.Getppid()) {
		t.Fatalf("after adding a step: %v, %v", r, err)
	}
}

// TestResultIndex: a step index the chain does not have panics with a
// message naming the call and the chain's steps, for Ret and Errno alike;
// RunInto with a nil *Result is an error, not a panic.
func TestResultIndex(t *testing.T) {
	var c Chain
	c.Syscall(unix.SYS_GETPID)
	res, err := c.RunOn(Interp{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		f    func()
		want string
	}{
		{func() { res.Ret(7) }, "syschain: Result.Ret(7) of a 1-step chain: the only step is 0"},
		{func() { res.Ret(-1) }, "syschain: Result.Ret(-1) of a 1-step chain"},
		{func() { res.Errno(1) }, "syschain: Result.Errno(1) of a 1-step chain"},
		{func() { new(Result).Ret(0) }, "syschain: Result.Ret(0) of a Result that holds no run"},
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), tc.want) {
					t.Errorf("panic %v, want %q", r, tc.want)
				}
			}()
			tc.f()
		}()
	}
	if got := res.Ret(0); got != int64(unix.Getpid()) {
		t.Errorf("Ret(0) = %d", got)
	}
	if err := c.RunInto(nil, nil); err == nil || !strings.Contains(err.Error(), "pass the *Result to fill") {
		t.Errorf("RunInto(nil, nil) = %v", err)
	}
	p, _ := c.Program()
	if err := p.RunInto(nil, nil); err == nil || !strings.Contains(err.Error(), "pass the *Result to fill") {
		t.Errorf("Program.RunInto(nil, nil) = %v", err)
	}
}

// TestSplitRet: int64(Ret(j)) in a 64-bit parameter split over two slots
// is step j's result in the low slot and 0 in the high one, the same value
// a 64-bit arch passes in one register.
func TestSplitRet(t *testing.T) {
	var c Chain
	c.Syscall(unix.SYS_GETPID)
	c.Begin(&Sig{Nr: unix.SYS_GETPID, Name: "x", Params: []Param{{"pos_lo", KindLo}, {"pos_hi", KindHi}}})
	c.ArgSplit64(0, 1, 0x100000002)
	c.ArgSplit64(0, 1, int64(Ret(0)))
	var got [6]uintptr
	d := &DryRun{Func: func(step int, nr uintptr, a [6]uintptr) int64 {
		if step == 1 {
			got = a
		}
		return 7
	}}
	if _, err := c.RunOn(d); err != nil {
		t.Fatal(err)
	}
	if got[0] != 7 || got[1] != 0 {
		t.Errorf("split Ret(0) passed %#x, %#x; want 7, 0", got[0], got[1])
	}
	if s := c.String(); !strings.Contains(s, "x($0)") {
		t.Errorf("printed %q", s)
	}
}

// TestRawSyscallBounds: a raw Syscall step for a syscall with a known Sig
// checks a length against the slice before it, as the typed methods do: a
// literal over the slice is a build error, and a Ret length is bounded at
// run time, so the kernel cannot write past the slice into what follows.
func TestRawSyscallBounds(t *testing.T) {
	var mem [2][8]byte
	var c Chain
	c.Syscall(unix.SYS_READ, 0, mem[0][:], 16)
	if be := buildErr(t, &c); be.Rule != RuleBufLen || be.Field != "arg[2]" {
		t.Errorf("literal length: %v", be)
	}
	c = Chain{}
	c.Syscall(unix.SYS_READ, 0, &mem[0], 16)
	if be := buildErr(t, &c); be.Rule != RuleBufLen {
		t.Errorf("pointer to an array: %v", be)
	}
	// A pipe holding 16 bytes; the length is step 1's result (16): the read
	// must not run.
	var fds [2]int
	if err := unix.Pipe(fds[:]); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fds[0])
	defer unix.Close(fds[1])
	src := []byte("0123456789abcdef")
	c = Chain{}
	c.Syscall(unix.SYS_GETPID)
	c.Syscall(unix.SYS_WRITE, fds[1], src, len(src))
	c.Syscall(unix.SYS_READ, fds[0], mem[0][:], Ret(1))
	res, err := c.RunOn(Interp{})
	var se *StepError
	if !errors.As(err, &se) || se.Why != Bound || se.Step != 2 {
		t.Fatalf("run: %v, want the read stopped by its bound", err)
	}
	if mem[1] != [8]byte{} {
		t.Errorf("the kernel wrote past the slice: %q", mem[1][:])
	}
	if res.Ran(2) {
		t.Error("the read ran")
	}
	// unsafe.Pointer has no known size: unchecked, as documented.
	c = Chain{}
	c.Syscall(unix.SYS_READ, 0, unsafe.Pointer(&mem[0]), 16)
	if err := c.Err(); err != nil {
		t.Errorf("unsafe.Pointer buffer: %v", err)
	}
}

// TestDenyNames: every syscall this arch refuses is in DenyNames, the list
// the generator reads to give denied syscalls no method.
func TestDenyNames(t *testing.T) {
	for nr, name := range DeniedSyscalls() {
		if !slices.Contains(DenyNames, name) {
			t.Errorf("%s (%d) is denied but not in DenyNames", name, nr)
		}
	}
}

// TestAfterStep: an AfterStep function runs after a run in which its step
// ran and succeeded, on Run, RunInto and prepared runs alike, and not when
// the step failed or did not run.
func TestAfterStep(t *testing.T) {
	calls := 0
	var c Chain
	c.Syscall(unix.SYS_GETPID).AfterStep(func() { calls++ })
	if _, err := c.Run(); err != nil || calls != 1 {
		t.Fatalf("Run: %v, %d calls", err, calls)
	}
	var r Result
	if err := c.RunInto(nil, &r); err != nil || calls != 2 {
		t.Fatalf("RunInto: %v, %d calls", err, calls)
	}
	pc, err := c.Prepare(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	if ok := pc.Run(&r); !ok || calls != 3 {
		t.Fatalf("prepared: %v, %d calls", ok, calls)
	}
	c = Chain{}
	c.Syscall(unix.SYS_CLOSE, -1).AfterStep(func() { calls++ })
	c.Syscall(unix.SYS_GETPID).AfterStep(func() { calls++ })
	c.Run()
	if calls != 3 {
		t.Errorf("hooks of a failed and an unrun step ran: %d calls", calls)
	}
}
