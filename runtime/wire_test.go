package runtime

import (
	"encoding/binary"
	"errors"
	goruntime "runtime"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// seedChain is the seed prototype's own example: open → read → write →
// close, each with LT 0 and no extensions (errstop off).
func seedChain(path string, buf, msg []byte) *Chain {
	var c Chain
	c.Syscall(2, path, unix.O_RDWR, 0).AllowError().When(LT, 0)
	c.Syscall(0, Ret(0), buf, 15).AllowError().When(LT, 0)
	c.Syscall(1, Ret(0), msg, 8).AllowError().When(LT, 0)
	c.Syscall(3, Ret(0)).AllowError().When(LT, 0)
	return &c
}

// TestSeedExample checks every non-pointer word of the spec's worked
// example (docs/wire-format.md), at both widths.
func TestSeedExample(t *testing.T) {
	if goruntime.GOARCH != "amd64" {
		t.Skip("the example uses x86_64 numbers (open is 2)")
	}
	const P = ^uint64(0) // a pointer word: only checked to be non-zero
	want := []uint64{
		2, 0x640, P, 2, 0, 0, 0x4, 0,
		0, 0x641, 0, P, 15, 0, 0x4, 0,
		1, 0x641, 0, P, 8, 0, 0x4, 0,
		3, 0x241, 0, 0, 0x4, 0,
	}
	buf, msg := make([]byte, 15), []byte("replace!")
	c := seedChain("test.txt", buf, msg)
	got, err := Encode(c, 64)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d words, want %d: %#x", len(got), len(want), got)
	}
	for i := range want {
		if want[i] == P {
			if got[i] == 0 {
				t.Errorf("word %d: a pointer, got 0", i)
			}
			continue
		}
		if got[i] != want[i] {
			t.Errorf("word %d = %#x, want %#x", i, got[i], want[i])
		}
	}
	if uintptr(got[11]) != uintptr(unsafe.Pointer(&buf[0])) || uintptr(got[19]) != uintptr(unsafe.Pointer(&msg[0])) {
		t.Errorf("pointer words %#x %#x do not point at buf and msg", got[11], got[19])
	}
	// 32-bit words: the same layout with the pointers as small integers.
	var c32 Chain
	c32.Syscall(2, 0x1000, unix.O_RDWR, 0).AllowError().When(LT, 0)
	c32.Syscall(0, Ret(0), 0x2000, 15).AllowError().When(LT, 0)
	c32.Syscall(1, Ret(0), 0x3000, 8).AllowError().When(LT, 0)
	c32.Syscall(3, Ret(0)).AllowError().When(LT, 0)
	got32, err := Encode(&c32, 32)
	if err != nil {
		t.Fatal(err)
	}
	want[2], want[11], want[19] = 0x1000, 0x2000, 0x3000
	for i := range want {
		if got32[i] != want[i] {
			t.Errorf("32-bit word %d = %#x, want %#x", i, got32[i], want[i])
		}
	}
}

// everything builds a chain using every feature of the format.
func everything() *Chain {
	buf := make([]byte, 64)
	var c Chain
	c.Syscall(unix.SYS_GETPID).When(EQ, 0).When(NE, -1).When(GT, 5).When(GTU, 6).When(LT, -7).When(LTU, 8).When(GE, 9).Continue()
	c.Syscall(unix.SYS_LSEEK, 3, Ret(0), unix.SEEK_SET).When(GEU, Ret(0)).When(LE, 1).When(LEU, 2).Goto(3).AllowError()
	c.Syscall(unix.SYS_GETPPID).NoBlock()
	c.Begin(LookupSigName("read"))
	c.ArgInt(0, int64(Ret(1)))
	c.ArgBuf(1, buf)
	c.ArgLen(2, int64(Ret(0)), 1)
	c.When(EQ, Ret(2)).Goto(5)
	c.Syscall(unix.SYS_COPY_FILE_RANGE, Ret(0), Ret(1), Ret(2), Ret(3), Ret(0), Ret(1)).Bound(4, 99).Bound(0, 7)
	c.Syscall(unix.SYS_CLOSE, Ret(1))
	return &c
}

func TestRoundTrip(t *testing.T) {
	c := everything()
	p, err := c.Program()
	if err != nil {
		t.Fatal(err)
	}
	words, err := Encode(c, 64)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Decode(words, 64)
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != len(p.steps) {
		t.Fatalf("decoded %d steps, want %d", d.Len(), len(p.steps))
	}
	for i := range p.steps {
		if want := p.steps[i].w; d.steps[i].w != want {
			t.Errorf("step %d: decoded %+v\nwant %+v", i, d.steps[i].w, want)
		}
	}
	again, err := Encode(d, 64)
	if err != nil {
		t.Fatal(err)
	}
	if !equalWords(again, words) {
		t.Errorf("Encode(Decode(w)) != w:\n%#x\n%#x", again, words)
	}
	// The ArgLen bound is on the wire: 64 for the 64-byte buffer.
	if s := p.steps[3].w; s.boundmask != 1<<2 || s.bounds[2] != 64 {
		t.Errorf("read step: boundmask %#x bound %d, want bit 2, 64", s.boundmask, s.bounds[2])
	}
}

func TestRoundTrip32(t *testing.T) {
	var c Chain
	c.Syscall(unix.SYS_GETPID).When(LT, -1).When(GTU, Ret(-1+1)).Continue() // Ret(0) in step 0 is an error: checked below
	if c.Err() == nil {
		t.Fatal("Ret(0) in step 0's condition was accepted")
	}
	var d Chain
	d.Syscall(unix.SYS_GETPID).When(LT, -1).When(GTU, 0x7fffffff).Continue()
	d.Syscall(unix.SYS_LSEEK, Ret(0), -100, 2).When(EQ, Ret(0)).Goto(3).Bound(0, 0xffffffff)
	d.Syscall(unix.SYS_GETPPID).NoBlock().AllowError()
	words, err := Encode(&d, 32)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range words {
		if w>>32 != 0 {
			t.Fatalf("word %d = %#x is wider than 32 bits", i, w)
		}
	}
	dec, err := Decode(words, 32)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Encode(dec, 32)
	if err != nil || !equalWords(again, words) {
		t.Fatalf("32-bit round trip: %v\n%#x\n%#x", err, again, words)
	}
	if got := dec.steps[1].w.args[1]; got != 0xffffff9c {
		t.Errorf("-100 in 32 bits = %#x, want 0xffffff9c", got)
	}
	// A value that fits neither way is refused, naming the word.
	var big Chain
	big.Syscall(unix.SYS_LSEEK, 3, int64(1)<<40, 0)
	_, err = Encode(&big, 32)
	var be *BuildError
	if !errors.As(err, &be) || be.Rule != RuleWordRange {
		t.Errorf("Encode(1<<40, 32): %v, want RuleWordRange", err)
	}
}

func equalWords(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestDecodeErrors(t *testing.T) {
	gp := uint64(unix.SYS_GETPID)
	bm := func(nargs, nconds, sym uint64) uint64 { return nargs<<9 | nconds<<6 | sym }
	ok := []uint64{gp, 0, 0} // a valid first step
	cases := []struct {
		name  string
		words []uint64
		rule  Rule
		word  int
		step  int
	}{
		{"empty", nil, RuleEmpty, 0, -1},
		{"truncated-bitmap", []uint64{gp}, RuleTruncated, 1, 0},
		{"truncated-args", []uint64{gp, bm(3, 0, 0), 1}, RuleTruncated, 3, 0},
		{"truncated-second", append(ok, gp, bm(0, 1, 0), 0, 4), RuleTruncated, 7, 1},
		{"nargs-7", []uint64{gp, bm(7, 0, 0), 0, 0, 0, 0, 0, 0, 0, 0}, RuleTooManyArgs, 1, 0},
		{"reserved-bit", append(ok, gp, 1<<31, 0), RuleReservedBits, 4, 1},
		{"reserved-bit-63", []uint64{gp, 1 << 63, 0}, RuleReservedBits, 1, 0},
		{"action-3", []uint64{gp, bm(0, 1, 0) | 3<<19, 0, 0, 0}, RuleBadAction, 1, 0},
		{"symmask", []uint64{gp, bm(1, 0, 2), 0, 0}, RuleMaskBit, 1, 0},
		{"boundmask", []uint64{gp, bm(1, 0, 0) | 2<<23, 0, 0, 0}, RuleMaskBit, 1, 0},
		{"condsym", []uint64{gp, bm(0, 1, 0) | 2<<12, 0, 0, 0}, RuleMaskBit, 1, 0},
		{"errfunc", append(ok, gp, 0, 0xdead), RuleErrFunc, 5, 1},
		{"cond-code", []uint64{gp, bm(0, 2, 0), 0, 0x0b0, 0, 0}, RuleBadCond, 3, 0},
		{"cond-code-high-bits", []uint64{gp, bm(0, 1, 0), 0, 0x10, 0}, RuleReservedBits, 3, 0},
		{"self-ref", append(ok, gp, bm(1, 0, 1), 1, 0), RuleBackRef, 5, 1},
		{"later-ref", append(ok, gp, bm(2, 0, 2), 0, 7, 0), RuleBackRef, 6, 1},
		{"cond-ref", append(ok, gp, bm(0, 1, 0)|1<<12, 0, 0, 1), RuleBackRef, 7, 1},
		{"jump-self", append(ok, gp, bm(0, 1, 0)|2<<19, 0, 0, 0, 1), RuleJumpRange, 8, 1},
		{"jump-past-end", append(ok, gp, bm(0, 1, 0)|2<<19, 0, 0, 0, 3), RuleJumpRange, 8, 1},
		{"too-many-words", make([]uint64, MaxWords+1), RuleTooManyWords, MaxWords, -1},
		{"too-many-steps", repeat([]uint64{gp, 0, 0}, MaxSteps+1), RuleTooManySteps, 3 * MaxSteps, MaxSteps},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(tc.words, 64)
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v, want a *FormatError", err)
			}
			if fe.Rule != tc.rule || fe.Word != tc.word || fe.Step != tc.step {
				t.Errorf("got rule %q word %d step %d, want %q word %d step %d (%v)", fe.Rule, fe.Word, fe.Step, tc.rule, tc.word, tc.step, err)
			}
			want := unix.EINVAL
			if tc.rule == RuleTooManyWords {
				want = unix.E2BIG
			}
			if !errors.Is(err, want) {
				t.Errorf("errors.Is(%v, %v) is false", err, want)
			}
		})
	}
	// 32-bit words wider than 32 bits.
	if _, err := Decode([]uint64{gp, 1 << 32, 0}, 32); !isRule(err, RuleWordRange) {
		t.Errorf("a 33-bit word at width 32: %v", err)
	}
}

func repeat(w []uint64, n int) []uint64 {
	var out []uint64
	for i := 0; i < n; i++ {
		out = append(out, w...)
	}
	return out
}

func isRule(err error, r Rule) bool {
	var fe *FormatError
	var be *BuildError
	if errors.As(err, &fe) {
		return fe.Rule == r
	}
	if errors.As(err, &be) {
		return be.Rule == r
	}
	return false
}

func TestDecodeDenied(t *testing.T) {
	for nr, name := range DeniedSyscalls() {
		_, err := Decode([]uint64{uint64(unix.SYS_GETPID), 0, 0, uint64(nr), 0, 0}, 64)
		var de *DeniedError
		if !errors.As(err, &de) || de.Step != 1 || de.Name != name || !errors.Is(err, unix.EPERM) {
			t.Errorf("%s: %v, want a *DeniedError for step 1", name, err)
		}
	}
	for _, name := range []string{"clone", "clone3", "execve", "execveat", "exit", "exit_group", "reboot", "rt_sigreturn", "restart_syscall"} {
		found := false
		for _, n := range DeniedSyscalls() {
			found = found || n == name
		}
		if !found {
			t.Errorf("%s is not on this arch's deny list", name)
		}
	}
	// Only the low 32 bits of a number count (contract G), as for the
	// kernel and the direct entry.
	for _, nr := range []uint64{1<<32 | uint64(unix.SYS_EXECVE), 0xffffffff<<32 | uint64(unix.SYS_EXIT_GROUP)} {
		_, err := Decode([]uint64{uint64(unix.SYS_GETPID), 0, 0, nr, 0, 0}, 64)
		var de *DeniedError
		if !errors.As(err, &de) || de.Step != 1 {
			t.Errorf("number %#x: %v, want a *DeniedError for step 1 (its low 32 bits are denied)", nr, err)
		}
	}
	if _, err := Decode([]uint64{1<<32 | uint64(unix.SYS_GETPID), 0, 0}, 64); err != nil {
		t.Errorf("(1<<32)|getpid: %v, want it accepted", err)
	}
	// Calls that swap the signal mask are allowed (contract D): the chain
	// stops when a signal is pending, so the mask is restored before any
	// later step.
	for nr, name := range DeniedSyscalls() {
		switch name {
		case "ppoll", "pselect6", "epoll_pwait", "epoll_pwait2", "rt_sigsuspend", "pause", "sigsuspend", "ppoll_time64", "pselect6_time64", "io_pgetevents", "io_uring_enter":
			t.Errorf("%s (%d) is on the deny list; it only swaps the signal mask", name, nr)
		}
	}
}

// FuzzDecode: the decoder and validator never panic, what they accept
// re-encodes to the same words, and executing it (on dryrun) and printing
// it never panic either.
func FuzzDecode(f *testing.F) {
	add := func(ws []uint64, wide bool) {
		b := make([]byte, 8*len(ws))
		for i, w := range ws {
			binary.LittleEndian.PutUint64(b[8*i:], w)
		}
		f.Add(b, wide)
	}
	var c32 Chain
	c32.Syscall(2, 0x1000, unix.O_RDWR, 0).AllowError().When(LT, 0)
	c32.Syscall(0, Ret(0), 0x2000, 15).AllowError().When(LT, 0)
	c32.Syscall(3, Ret(0)).AllowError().When(LT, 0)
	if w, err := Encode(&c32, 64); err == nil {
		add(w, true)
	}
	if w, err := Encode(everything(), 64); err == nil {
		add(w, true)
	}
	add([]uint64{uint64(unix.SYS_GETPID), 1 << 29, 0}, true)
	add([]uint64{uint64(unix.SYS_GETPID), 2<<19 | 1<<6, 0, 0, 0, 1}, false)
	f.Fuzz(func(t *testing.T, data []byte, wide bool) {
		width, size := 32, 4
		if wide {
			width, size = 64, 8
		}
		words := make([]uint64, len(data)/size)
		for i := range words {
			if wide {
				words[i] = binary.LittleEndian.Uint64(data[8*i:])
			} else {
				words[i] = uint64(binary.LittleEndian.Uint32(data[4*i:]))
			}
		}
		c, err := Decode(words, width)
		if err != nil {
			_ = err.Error()
			return
		}
		again, err := Encode(c, width)
		if err != nil {
			t.Fatalf("Decode accepted words that Encode refuses: %v\n%#x", err, words)
		}
		if !equalWords(again, words) {
			t.Fatalf("Encode(Decode(w)) != w:\n%#x\n%#x", again, words)
		}
		_ = c.String()
		// Execute it with scripted results drawn from the words: no
		// syscall runs, but every control-flow path can be taken.
		d := &DryRun{Func: func(step int, nr uintptr, args [6]uintptr) int64 {
			return int64(words[(uint64(step)*7+uint64(nr))%uint64(len(words))])
		}}
		r, err := c.RunOn(d)
		if err != nil && !errors.Is(err, ErrStopped) && !errors.Is(err, ErrCondStop) && !errors.Is(err, ErrBound) && !errors.Is(err, ErrInterrupted) && !errors.Is(err, ErrRefStop) {
			t.Fatalf("dryrun of an accepted chain: %v", err)
		}
		if r == nil || r.Steps > c.Len() {
			t.Fatalf("result %v", r)
		}
		_ = r.String()
	})
}
