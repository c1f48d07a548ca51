package runtime

import (
	"errors"
	"math"
	goruntime "runtime"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

func TestRet(t *testing.T) {
	for _, i := range []int{0, 1, 255, 65534} {
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
	if j, _ := IsRet(int64(Ret(-1))); j != retIdxMax {
		t.Errorf("Ret(-1) names step %d, want the invalid %d", j, retIdxMax)
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
		{"split-ret", func(c *Chain) {
			c.Syscall(unix.SYS_GETPID)
			c.Begin(&Sig{Nr: unix.SYS_GETPID, Name: "x", Params: []Param{{"lo", KindLo}, {"hi", KindHi}}})
			c.ArgSplit64(0, 1, int64(Ret(0)))
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
