package script

import (
	"strings"
	"testing"

	"github.com/syschain/syschain/tables"
)

// testArch is a small hand-made table, so these tests do not depend on
// the generated tables' contents. Numbers are amd64's.
func testArch() *tables.Arch {
	row := func(nr int, name, sig string) tables.Syscall {
		s := tables.Syscall{Nr: nr, Name: name, Entry: "sys_" + name, HasSig: sig != "?", Source: "test"}
		if sig == "?" || sig == "void" {
			return s
		}
		for i, decl := range strings.Split(sig, ", ") {
			j := strings.LastIndexAny(decl, " *")
			s.Params = append(s.Params, tables.Param{Name: decl[j+1:], Type: strings.TrimSpace(decl[:j+1])})
			s.Slots = append(s.Slots, tables.Slot{Param: i})
		}
		return s
	}
	return &tables.Arch{GoArch: "amd64", LinuxArch: "x86_64", Bits: 64, Syscalls: []tables.Syscall{
		row(0, "read", "unsigned int fd, char __user *buf, size_t count"),
		row(1, "write", "unsigned int fd, const char __user *buf, size_t count"),
		row(2, "open", "const char __user *filename, int flags, umode_t mode"),
		row(3, "close", "unsigned int fd"),
		row(5, "fstat", "unsigned int fd, struct stat __user *statbuf"),
		row(39, "getpid", "void"),
		{Nr: 174, Name: "create_module", Source: "test"}, // reserved, not implemented
		row(257, "openat", "int dfd, const char __user *filename, int flags, umode_t mode"),
		row(335, "mystery", "?"),
	}}
}

func checkSrc(t *testing.T, src string) (*Program, error) {
	t.Helper()
	s, err := Parse("", src)
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	return Check(s, testArch())
}

func TestCheck(t *testing.T) {
	p, err := checkSrc(t, `openat(AT_FDCWD, "/etc/hostname", O_RDONLY|O_CLOEXEC, 0644)
read($0, buf[64], 64) if < 0 or == $0 goto end
write(1, buf, $1) allow-error
mystery(1, 2, buf) noblock
close($0) if == -EBADF continue`)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Calls) != 5 || len(p.Buffers) != 1 || p.Buffers[0].Size != 64 {
		t.Fatalf("got %d calls, %d buffers", len(p.Calls), len(p.Buffers))
	}
	want := []Value{{Kind: ValInt, Int: -100}, {Kind: ValStr, Str: "/etc/hostname"}, {Kind: ValInt, Int: 0x80000}, {Kind: ValInt, Int: 0o644}}
	for k, w := range want {
		got := p.Calls[0].Args[k]
		if got.Kind != w.Kind || got.Int != w.Int || got.Str != w.Str {
			t.Errorf("openat arg %d = %+v, want %+v", k, got, w)
		}
	}
	if a := p.Calls[1].Args; a[0].Kind != ValRef || a[0].Step != 0 || a[1].Buf != p.Buffers[0] {
		t.Errorf("read args = %+v", a)
	}
	if a := p.Calls[2].Args; a[1].Buf != p.Buffers[0] || a[2].Kind != ValRef || a[2].Step != 1 {
		t.Errorf("write args = %+v", a)
	}
	if c := p.Calls[1]; c.Target != 5 || len(c.Conds) != 2 || c.Conds[1].Value.Kind != ValRef {
		t.Errorf("read: target %d conds %+v", c.Target, c.Conds)
	}
	if c := p.Calls[4].Conds[0]; c.Op != EQ || c.Value.Int != -9 {
		t.Errorf("close cond = %+v, want == -9", c)
	}
}

// TestCheckErrors checks each resolution error's message and column.
func TestCheckErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`opne("/x", 0, 0)`, `1:1: unknown syscall "opne" on linux/amd64 (did you mean open?)`},
		{`getpid(); frobnicate()`, `1:11: unknown syscall "frobnicate" on linux/amd64`},
		{`create_module()`, `1:1: syscall "create_module" (number 174) is not implemented on linux/amd64`},
		{`openat(AT_FDCWD, "/x", O_RDONLY)`, `1:32: openat takes 4 arguments (int dfd, const char __user *filename, int flags, umode_t mode), got 3: missing mode`},
		{`syscall()`, `1:9: syscall needs the syscall number first, as in syscall(39)`},
		{`syscall(-1)`, `1:9: syscall's first argument is the syscall number, a non-negative integer`},
		{`syscall("x")`, `1:9: syscall's first argument is the syscall number`},
		{`syscall(3, 1, 2)`, `1:15: close takes 1 argument (unsigned int fd), got 2`},
		{`syscall(400, 1, 2, 3, 4, 5, 6, 7)`, `1:32: a syscall takes at most 6 arguments, got 7`},
		{`close(1, 2)`, `1:10: close takes 1 argument (unsigned int fd), got 2`},
		{`getpid(0)`, `1:8: getpid takes 0 arguments (void), got 1`},
		{`mystery(1, 2, 3, 4, 5, 6, 7)`, `1:27: a syscall takes at most 6 arguments, got 7`},
		{`close("x")`, `1:7: close's parameter fd is "unsigned int", not a pointer: a string cannot go there`},
		{`close(b[8])`, `1:7: close's parameter fd is "unsigned int", not a pointer: buffer b cannot go there`},
		{`close($0)`, `1:7: $0 refers to a step that is not before this one (step 0)`},
		{`getpid(); close($1)`, `1:17: $1 refers to a step that is not before this one (step 1): use the result of step 0 to 0`},
		{`getpid() if < $0`, `1:15: $0 refers to a step that is not before this one`},
		{`read(0, O_RDONLY[8], 8)`, `1:9: O_RDONLY is a constant: give the buffer another name`},
		{`read(0, b[8], 8); read(0, b[8], 8)`, `1:27: buffer b is already declared at 1:9: refer to it by name alone`},
		{`read(0, b, 8)`, `1:9: unknown name b: not a constant, and no buffer of that name is declared before; declare a buffer with b[SIZE] at its first use`},
		{`open("/x", O_RDONYL, 0)`, `1:12: unknown name O_RDONYL: not a constant, and no buffer of that name is declared before (did you mean O_RDONLY?)`},
		{`read(0, b[8], 8); write(1, -b, 8)`, `1:28: -b: a buffer cannot be negated`},
		{`read(0, b[8], 8) if == b`, `1:24: a condition compares the result with a number, a constant or $N, not buffer b`},
		{`open("/x", O_RDONLY|O_BOGUS, 0)`, `1:21: unknown name O_BOGUS`},
		{`getpid() if < 0 goto 2`, `1:17: goto 2 from the last step (0): it can only jump to end`},
		{`getpid() if < 0 goto 0; getpid()`, `1:17: goto 0 from step 0: a jump goes forward, to a step from 1 to 1 or to end`},
		{`getpid() if < 0 goto 3; getpid()`, `1:17: goto 3 from step 0: a jump goes forward, to a step from 1 to 1 or to end`},
	} {
		_, err := checkSrc(t, tc.in)
		if err == nil {
			t.Errorf("Check(%q) succeeded, want error %q", tc.in, tc.want)
			continue
		}
		if !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("Check(%q):\n got %v\nwant %s…", tc.in, err, tc.want)
		}
	}
}

// TestCheckRaw checks the escape hatch syscall(NR, ...): a number the
// table knows becomes that call, checked as such; another is passed raw.
func TestCheckRaw(t *testing.T) {
	p, err := checkSrc(t, `syscall(3, 7); syscall(174); syscall(400, "x", b[8], $0)`)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []struct {
		name   string
		hasSig bool
		nargs  int
	}{{"close", true, 1}, {"syscall_174", false, 0}, {"syscall_400", false, 3}} {
		c := p.Calls[i]
		if c.Sys.Name != want.name || c.Sys.HasSig != want.hasSig || len(c.Args) != want.nargs {
			t.Errorf("step %d: %s (sig %v) with %d args; want %+v", i, c.Sys.Name, c.Sys.HasSig, len(c.Args), want)
		}
	}
	if a := p.Calls[0].Args[0]; a.Int != 7 {
		t.Errorf("syscall(3, 7): fd %d, want 7", a.Int)
	}
}

func TestCheckGotoEnd(t *testing.T) {
	// goto N where N is the number of steps is the same as goto end.
	p, err := checkSrc(t, "getpid() if < 0 goto 2\ngetpid() if < 0 goto end")
	if err != nil {
		t.Fatal(err)
	}
	if p.Calls[0].Target != 2 || p.Calls[1].Target != 2 {
		t.Errorf("targets %d, %d; want 2, 2", p.Calls[0].Target, p.Calls[1].Target)
	}
}
