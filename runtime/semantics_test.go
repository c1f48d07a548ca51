package runtime

import (
	"errors"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// script is a DryRun whose steps return fixed values (0 by default) and
// that counts how often each step was issued.
func script(vals map[int]int64) (*DryRun, map[int]int) {
	calls := map[int]int{}
	return &DryRun{Func: func(step int, nr uintptr, a [6]uintptr) int64 {
		calls[step]++
		return vals[step]
	}}, calls
}

func TestContinueOn(t *testing.T) {
	for _, tc := range []struct {
		r       int64
		why     Why
		ran     int
		wantErr error
	}{
		{0, End, 2, nil},
		{-int64(unix.EEXIST), End, 2, nil},
		{-int64(unix.EACCES), ErrStop, 1, unix.EACCES},
	} {
		var c Chain
		c.Syscall(unix.SYS_MKDIRAT, unix.AT_FDCWD, "d", 0o755).ContinueOn(unix.EEXIST)
		c.Syscall(unix.SYS_GETPID)
		d, _ := script(map[int]int64{0: tc.r})
		res, err := c.RunOn(d)
		if res.Why != tc.why || res.Steps != tc.ran || !errors.Is(err, tc.wantErr) || (tc.wantErr == nil) != (err == nil) {
			t.Errorf("mkdirat = %d: why %s ran %d err %v; want %s %d %v", tc.r, res.Why, res.Steps, err, tc.why, tc.ran, tc.wantErr)
		}
	}
}

func TestGotoOn(t *testing.T) {
	var c Chain
	c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, "f", unix.O_RDONLY, 0).GotoOn(2, unix.ENOENT) // 0
	c.Syscall(unix.SYS_CLOSE, Ret(0))                                                       // 1: skipped on ENOENT
	c.Syscall(unix.SYS_GETPID)                                                              // 2
	d, calls := script(map[int]int64{0: -int64(unix.ENOENT), 2: 7})
	res, err := c.RunOn(d)
	if err != nil || res.Why != End || res.Steps != 2 || calls[1] != 0 || res.Ret(2) != 7 || res.Ran(1) {
		t.Fatalf("ENOENT: why %s ran %d calls %v err %v", res.Why, res.Steps, calls, err)
	}
	d, calls = script(map[int]int64{0: -int64(unix.EACCES)})
	res, err = c.RunOn(d)
	if !errors.Is(err, unix.EACCES) || res.Why != ErrStop || calls[2] != 0 {
		t.Fatalf("EACCES: why %s err %v calls %v", res.Why, err, calls)
	}
}

// TestActionNeedsCondition: Continue or Goto without a condition is a
// build error, whatever the order of the calls; with When in any order it
// builds.
func TestActionNeedsCondition(t *testing.T) {
	for name, build := range map[string]func(c *Chain){
		"goto":       func(c *Chain) { c.Syscall(unix.SYS_GETPID).Goto(2) },
		"continue":   func(c *Chain) { c.Syscall(unix.SYS_GETPID).Continue() },
		"continueOn": func(c *Chain) { c.Syscall(unix.SYS_GETPID).ContinueOn() },
	} {
		var c Chain
		build(&c)
		c.Syscall(unix.SYS_GETPID)
		c.Syscall(unix.SYS_GETPID)
		var be *BuildError
		if err := c.Err(); !errors.As(err, &be) || be.Rule != RuleNoCond || be.Step != 0 {
			t.Errorf("%s: err %v, want RuleNoCond at step 0", name, err)
		}
	}
	var c Chain
	c.Syscall(unix.SYS_GETPID).Goto(2).When(EQ, 1)
	c.Syscall(unix.SYS_GETPID)
	c.Syscall(unix.SYS_GETPID)
	if err := c.Err(); err != nil {
		t.Errorf("Goto then When: %v", err)
	}
}

// TestRefStop: a step that uses a failed step's result does not run, and
// the error names the original failure; RawRefs passes the raw value.
func TestRefStop(t *testing.T) {
	build := func(raw bool) *Chain {
		var c Chain
		c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, "dir", unix.O_RDONLY, 0).AllowError() // 0
		c.Syscall(unix.SYS_WRITE, Ret(0), "x", 1)                                       // 1
		if raw {
			c.AllowError().RawRefs()
		}
		return &c
	}
	d, calls := script(map[int]int64{0: -int64(unix.EISDIR), 1: -int64(unix.EBADF)})
	res, err := build(false).RunOn(d)
	var se *StepError
	if !errors.As(err, &se) || se.Why != RefStop || se.Step != 1 || se.Ref != 0 || !se.RefRan || se.Arg != 0 || calls[1] != 0 || res.Ran(1) {
		t.Fatalf("err %#v calls %v", err, calls)
	}
	if !errors.Is(err, unix.EISDIR) || !errors.Is(err, ErrRefStop) || !strings.Contains(err.Error(), "uses $0 (openat), which failed with is a directory") {
		t.Errorf("error %q does not name the original failure", err)
	}
	d, calls = script(map[int]int64{0: -int64(unix.EISDIR), 1: -int64(unix.EBADF)})
	res, err = build(true).RunOn(d)
	if err != nil || calls[1] != 1 || res.Ret(1) != -int64(unix.EBADF) {
		t.Errorf("RawRefs: err %v calls %v", err, calls)
	}
	// A reference to a step a jump skipped: "did not run".
	var c Chain
	c.Syscall(unix.SYS_GETPID).When(GE, 0).Goto(2)
	c.Syscall(unix.SYS_GETPID)
	c.Syscall(unix.SYS_CLOSE, Ret(1))
	d, _ = script(nil)
	_, err = c.RunOn(d)
	if !errors.As(err, &se) || se.RefRan || !strings.Contains(err.Error(), "which did not run") {
		t.Errorf("skipped reference: %v", err)
	}
}

// cleanupChain: open (0), read (1), write (2), then cleanup close($0) (3).
func cleanupChain() *Chain {
	var c Chain
	c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, "f", unix.O_RDONLY, 0)  // 0
	c.Syscall(unix.SYS_READ, Ret(0), make([]byte, 8), 8)              // 1
	c.Syscall(unix.SYS_WRITE, 1, make([]byte, 8), Ret(1)).Bound(2, 8) // 2
	c.Syscall(unix.SYS_CLOSE, Ret(0)).Cleanup()                       // 3
	return &c
}

// TestCleanupEveryEnd: the cleanup step runs after every end of a chain
// whose open succeeded, and is skipped when the open failed.
func TestCleanupEveryEnd(t *testing.T) {
	for _, tc := range []struct {
		name  string
		vals  map[int]int64
		why   Why
		close bool
	}{
		{"end", map[int]int64{0: 5, 1: 3, 2: 3}, End, true},
		{"read fails", map[int]int64{0: 5, 1: -int64(unix.EISDIR)}, ErrStop, true},
		{"open fails", map[int]int64{0: -int64(unix.ENOENT)}, ErrStop, false},
		{"bound", map[int]int64{0: 5, 1: 100}, Bound, true},
		{"write EINTR", map[int]int64{0: 5, 1: 3, 2: -int64(unix.EINTR)}, ErrStop, true},
	} {
		d, calls := script(tc.vals)
		res, _ := cleanupChain().RunOn(d)
		if res.Why != tc.why || (calls[3] == 1) != tc.close || calls[3] > 1 || res.Ran(3) != tc.close {
			t.Errorf("%s: why %s, close called %d times, Ran(3) %v; want %s, close %v", tc.name, res.Why, calls[3], res.Ran(3), tc.why, tc.close)
		}
		if tc.close && res.Ret(3) != 0 {
			t.Errorf("%s: close result %d", tc.name, res.Ret(3))
		}
	}
	// A condition stop and a reference stop end the body too.
	var c Chain
	c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, "f", unix.O_RDONLY, 0)
	c.Syscall(unix.SYS_GETPID).When(EQ, 9)
	c.Syscall(unix.SYS_CLOSE, Ret(0)).Cleanup()
	d, calls := script(map[int]int64{0: 5, 1: 9})
	if res, _ := c.RunOn(d); res.Why != CondStop || calls[2] != 1 {
		t.Errorf("condition stop: why %s cleanup calls %d", res.Why, calls[2])
	}
}

func TestCleanupRules(t *testing.T) {
	for name, build := range map[string]func(c *Chain){
		"body after cleanup": func(c *Chain) {
			c.Syscall(unix.SYS_GETPID).Cleanup()
			c.Syscall(unix.SYS_GETPID)
		},
		"condition": func(c *Chain) {
			c.Syscall(unix.SYS_GETPID)
			c.Syscall(unix.SYS_GETPID).Cleanup().When(EQ, 1)
		},
		"rawrefs": func(c *Chain) {
			c.Syscall(unix.SYS_GETPID)
			c.Syscall(unix.SYS_CLOSE, Ret(0)).Cleanup().RawRefs()
		},
	} {
		var c Chain
		build(&c)
		var be *BuildError
		if err := c.Err(); !errors.As(err, &be) || be.Rule != RuleCleanup {
			t.Errorf("%s: %v, want RuleCleanup", name, err)
		}
	}
	var c Chain
	c.Syscall(unix.SYS_GETPID).When(EQ, 1).Goto(3) // 2 ends the body; 3 is past it
	c.Syscall(unix.SYS_GETPID)
	c.Syscall(unix.SYS_GETPID).Cleanup()
	var be *BuildError
	if err := c.Err(); !errors.As(err, &be) || be.Rule != RuleJumpRange {
		t.Errorf("jump into cleanup: %v", err)
	}
	// Cleanup steps and RawRefs do not run as version 1.
	var d Chain
	d.Syscall(unix.SYS_GETPID)
	d.Syscall(unix.SYS_GETPID).Cleanup()
	p, _ := d.Program()
	if err := p.WithFlags(0).Validate(); !isRuleErr(err, RuleFlags) {
		t.Errorf("cleanup under version 1: %v", err)
	}
	if err := RawProgramFlags(p.Words(), 0).Validate(); !isRuleErr(err, RuleFlags) {
		t.Errorf("raw cleanup words under version 1: %v", err)
	}
	if err := RawProgramFlags(p.Words(), FlagV2).Validate(); err != nil {
		t.Errorf("raw cleanup words under version 2: %v", err)
	}
	if err := RawProgramFlags(p.Words(), FlagV2|FlagResume).Validate(); !isRuleErr(err, RuleFlags) {
		t.Errorf("resume flag in a raw program: %v", err)
	}
}

func isRuleErr(err error, r Rule) bool {
	var fe *FormatError
	return errors.As(err, &fe) && fe.Rule == r
}

// TestSeedWordsUnchanged: a chain that uses only the seed's features has
// the same words as before version 2 (TestSeedExample checks them), no
// bit above 28, and runs with FlagV2 through the flags argument only.
func TestSeedWordsUnchanged(t *testing.T) {
	c := seedChain("test.txt", make([]byte, 15), []byte("replace!"))
	p, err := c.Program()
	if err != nil {
		t.Fatal(err)
	}
	if p.Flags() != FlagV2 {
		t.Errorf("flags %#x, want FlagV2", p.Flags())
	}
	for i, w := range p.Words() {
		if uint64(w)>>29 != 0 && uint64(w) < 1<<32 && i%8 == 1 {
			t.Errorf("word %d = %#x has a version-2 bit", i, w)
		}
	}
	if p.WithFlags(0).Validate() != nil {
		t.Error("the seed chain does not run as version 1")
	}
}

// pausingRun runs c on a dryrun whose steps return vals and that stops
// the chain before random steps (a signal between steps) and interrupts
// random steps with -ERESTARTSYS, and checks that every step is issued
// once (plus once per restart) and the results equal a quiet run's.
func TestResumeDryRun(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	var c Chain
	c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, "f", unix.O_RDONLY, 0)
	for i := 0; i < 40; i++ {
		c.Syscall(unix.SYS_READ, Ret(0), make([]byte, 8), 8).When(EQ, 0).Goto(41)
	}
	c.Syscall(unix.SYS_GETPID)                  // 41
	c.Syscall(unix.SYS_CLOSE, Ret(0)).Cleanup() // 42
	quiet := func(step int) int64 {
		if step == 0 {
			return 5
		}
		if step == 30 {
			return 0 // EOF: jump to 41
		}
		return int64(step)
	}
	var want Result
	p, _ := c.Program()
	if err := p.RunInto(&DryRun{Func: func(s int, nr uintptr, a [6]uintptr) int64 { return quiet(s) }}, &want); err != nil {
		t.Fatal(err)
	}
	before := Resumes()
	for round := 0; round < 200; round++ {
		issued := map[int]int{}
		restarted := map[int]int{}
		d := &DryRun{
			Func: func(s int, nr uintptr, a [6]uintptr) int64 {
				issued[s]++
				if s != 42 && rng.Intn(4) == 0 {
					restarted[s]++
					return -512 // ERESTARTSYS: nothing happened
				}
				return quiet(s)
			},
			Pause: func(s int) bool { return rng.Intn(3) == 0 },
		}
		var got Result
		if err := p.RunInto(d, &got); err != nil {
			t.Fatal(err)
		}
		if got.Steps != want.Steps || got.Why != want.Why {
			t.Fatalf("round %d: ran %d (%s), want %d (%s)", round, got.Steps, got.Why, want.Steps, want.Why)
		}
		for i := 0; i < got.Len(); i++ {
			if got.Ret(i) != want.Ret(i) {
				t.Fatalf("round %d: step %d = %d, want %d", round, i, got.Ret(i), want.Ret(i))
			}
			if n := issued[i] - restarted[i]; want.Ran(i) && n != 1 || !want.Ran(i) && issued[i] != 0 {
				t.Fatalf("round %d: step %d issued %d times (%d restarts)", round, i, issued[i], restarted[i])
			}
		}
	}
	after := Resumes()
	if after.Pauses == before.Pauses || after.Restarts == before.Restarts {
		t.Errorf("resumes %+v -> %+v: the test did not pause or restart", before, after)
	}
	t.Logf("resumes: %d pauses, %d restarts", after.Pauses-before.Pauses, after.Restarts-before.Restarts)
}

// TestResumeNeedsResumer: a backend that stops resumably without ExecFrom
// is an error, not a silently short chain.
func TestResumeNeedsResumer(t *testing.T) {
	var c Chain
	c.Syscall(unix.SYS_GETPID)
	c.Syscall(unix.SYS_GETPID)
	var r Result
	err := c.RunInto(pausingOnly{}, &r)
	if err == nil || !strings.Contains(err.Error(), "cannot resume") {
		t.Errorf("err %v", err)
	}
}

type pausingOnly struct{}

func (pausingOnly) Name() string { return "pausing" }
func (pausingOnly) Exec(p *Program, res []uintptr) (uintptr, error) {
	res[0] = 1
	res[1] = negECANCELED
	return status(1, Pause), nil
}

var _ = fmt.Sprint
