package script

import (
	"bytes"
	"os"
	"os/exec"
	"reflect"
	goruntime "runtime"
	"sort"
	"strings"
	"sync"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/syschain/syschain/tables"
)

var (
	hostOnce sync.Once
	hostTbl  *tables.Arch
	hostErr  error
)

func hostArch(t testing.TB) *tables.Arch {
	hostOnce.Do(func() { hostTbl, hostErr = tables.Load(goruntime.GOARCH) })
	if hostErr != nil {
		t.Skipf("no table for %s: %v", goruntime.GOARCH, hostErr)
	}
	return hostTbl
}

// FuzzParse checks that the front end never panics, that what Parse
// accepts prints to a canonical form that parses to the same script and
// prints the same again, and that Check gives the same answer for both.
// Its seed corpus runs with every `go test`; `make fuzz` runs it longer.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`openat(AT_FDCWD, "/etc/hostname", O_RDONLY, 0); read($0, buf[4096], 4096); write(1, buf, $1); close($0)`,
		"# comment\ngetpid()\n\ngetppid() noblock\n",
		`read($0, buf[64], 64) if < 0 or == 0 goto 3 allow-error`,
		`f(0x10|O_CREAT, -ENOENT, -0, 0644, 0b1, 1_000) if >=u $1 continue`,
		`write(1, "a\tb\x00\u00e9\"", 6) if != -EAGAIN goto end`,
		"openat(AT_FDCWD,\n \"/x\",\n O_RDONLY,\n 0,\n)",
		`close(18446744073709551615); close(-9223372036854775808)`,
		`opne(`, `f("abc`, `f($)`, `f() if`, `f(buf[0])`, "f(\xff)",
	} {
		f.Add(s)
	}
	arch := hostArch(f)
	f.Fuzz(func(t *testing.T, src string) {
		s, err := Parse("", src)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("Parse error %T, want *Error: %v", err, err)
			}
			return
		}
		text := s.String()
		s2, err := Parse("", text)
		if err != nil {
			t.Fatalf("the canonical form does not parse: %v\nsource: %q\ncanonical:\n%s", err, src, text)
		}
		if text2 := s2.String(); text2 != text {
			t.Fatalf("printing is not stable:\n%s\nthen\n%s", text, text2)
		}
		if !reflect.DeepEqual(stripPos(s), stripPos(s2)) {
			t.Fatalf("the canonical form parses to a different script:\n%s", text)
		}
		_, err1 := Check(s, arch)
		_, err2 := Check(s2, arch)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("Check disagrees on the canonical form: %v vs %v\n%s", err1, err2, text)
		}
		if err1 != nil && !strings.Contains(err1.Error(), ": ") {
			t.Fatalf("error without a place: %v", err1)
		}
	})
}

// stripPos returns the steps with every position zeroed, for comparing
// scripts that differ only in layout.
func stripPos(s *Script) []*Step {
	var out []*Step
	for _, st := range s.Steps {
		c := *st
		c.Pos, c.Rparen, c.ActionPos = Pos{}, Pos{}, Pos{}
		c.Args = nil
		for _, a := range st.Args {
			c.Args = append(c.Args, stripExpr(a))
		}
		c.Conds = nil
		for _, cd := range st.Conds {
			c.Conds = append(c.Conds, &Cond{Op: cd.Op, Value: stripExpr(cd.Value)})
		}
		out = append(out, &c)
	}
	return out
}

func stripExpr(e Expr) Expr {
	switch e := e.(type) {
	case *Int:
		c := *e
		c.Pos = Pos{}
		return &c
	case *Name:
		c := *e
		c.Pos = Pos{}
		return &c
	case *Ref:
		return &Ref{Step: e.Step}
	case *Str:
		return &Str{Val: e.Val}
	case *Buf:
		return &Buf{Name: e.Name, Size: e.Size}
	case *Or:
		o := &Or{}
		for _, t := range e.Terms {
			o.Terms = append(o.Terms, stripExpr(t))
		}
		return o
	}
	return e
}

// TestConstsUpToDate regenerates zconsts.go in memory and compares: the
// file must be what mkconsts.go makes from the x/sys version in go.mod.
func TestConstsUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go run")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("NOT CHECKED: zconsts.go staleness needs the go command: %v", err)
	}
	cmd := exec.Command(gobin, "run", "mkconsts.go", "-o", "-")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go run mkconsts.go: %v\n%s", err, stderr.String())
	}
	have, err := os.ReadFile("zconsts.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, have) {
		t.Errorf("zconsts.go is stale: run go generate ./cmd/syschain/internal/script/ and commit")
	}
}

// TestConsts spot-checks values against x/sys/unix, including the typed
// families and a value above MaxInt64.
func TestConsts(t *testing.T) {
	for name, want := range map[string]int64{
		"O_RDONLY": unix.O_RDONLY, "O_CLOEXEC": unix.O_CLOEXEC, "AT_FDCWD": unix.AT_FDCWD,
		"SEEK_END": unix.SEEK_END, "PROT_READ": unix.PROT_READ, "MAP_PRIVATE": unix.MAP_PRIVATE,
		"S_IRUSR": unix.S_IRUSR, "F_GETFL": unix.F_GETFL, "FD_CLOEXEC": unix.FD_CLOEXEC,
		"CLOCK_MONOTONIC": unix.CLOCK_MONOTONIC, "ENOENT": int64(unix.ENOENT),
		"SIGKILL": int64(unix.SIGKILL), "RLIM_INFINITY": -1, "NULL": 0,
	} {
		if got, ok := Const(name); !ok || got != want {
			t.Errorf("Const(%s) = %d, %v; want %d", name, got, ok, want)
		}
	}
	if _, ok := Const("SizeofStat_t"); ok {
		t.Error("Const knows SizeofStat_t, which is not in a constant family")
	}
	names := ConstNames()
	if len(names) < 500 || !sort.StringsAreSorted(names) {
		t.Errorf("ConstNames: %d names, sorted %v", len(names), sort.StringsAreSorted(names))
	}
}
