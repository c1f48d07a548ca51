package script

import (
	"regexp"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/syschain/syschain/generated"
	"github.com/syschain/syschain/runtime"
	"github.com/syschain/syschain/tables"
)

// goAddr matches the address of Go memory in a printed chain: it differs
// between two chains with the same arguments.
var goAddr = regexp.MustCompile(`\b0x[0-9a-f]{6,}\b`)

// TestSigIsGenerated holds the command's slot kinds to the generator's: a
// step typed at the command line must use the very Sig package generated
// registered for it, and build and print exactly like the same step made
// with the generated method. The calls include those whose kinds the
// runtime's built-in Sigs give differently (lseek's whence, fcntl's cmd
// and arg, umask's mask, faccessat's mode), so a built-in Sig winning
// over the generated one would show; the lengths are $N so that the
// run-time bounds, which only a KindLen slot gets, show in the print.
func TestSigIsGenerated(t *testing.T) {
	arch := hostArch(t)
	// pread64's 64-bit pos is one C parameter on most arches; 386's
	// sys_ia32_pread64 declares its halves (poslo, poshi) instead.
	pread := `pread64($0, b[64], $0, 4096)`
	if sys, ok := arch.Lookup("pread64"); ok && len(sys.Params) == 5 {
		pread = `pread64($0, b[64], $0, 4096, 0)`
	}
	ret := runtime.Ret(0)
	for _, tc := range []struct {
		src string
		gen func(g *generated.Chain, buf []byte)
	}{
		{`openat(AT_FDCWD, "/etc/hostname", O_RDONLY|O_CLOEXEC, 0644)`, func(g *generated.Chain, _ []byte) {
			g.Openat(unix.AT_FDCWD, "/etc/hostname", unix.O_RDONLY|unix.O_CLOEXEC, 0o644)
		}},
		{`read($0, b[64], $0)`, func(g *generated.Chain, buf []byte) { g.Read(ret, buf, ret) }},
		{`write(1, b[64], $0)`, func(g *generated.Chain, buf []byte) { g.Write(1, buf, ret) }},
		{`write(1, "hello\n", 6)`, func(g *generated.Chain, _ []byte) { g.Write(1, []byte("hello\n"), 6) }},
		{pread, func(g *generated.Chain, buf []byte) { g.Pread64(ret, buf, ret, 4096) }},
		{`lseek($0, -100, -1)`, func(g *generated.Chain, _ []byte) { g.Lseek(ret, -100, -1) }},
		{`fcntl($0, F_SETFD, FD_CLOEXEC)`, func(g *generated.Chain, _ []byte) { g.Fcntl(ret, unix.F_SETFD, unix.FD_CLOEXEC) }},
		{`umask(022)`, func(g *generated.Chain, _ []byte) { g.Umask(0o22) }},
		{`faccessat(AT_FDCWD, "/x", 4)`, func(g *generated.Chain, _ []byte) { g.Faccessat(unix.AT_FDCWD, "/x", unix.R_OK) }},
	} {
		s, err := Parse("", "getpid(); "+tc.src)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.src, err)
		}
		p, err := Check(s, arch)
		if err != nil {
			t.Fatalf("Check(%q): %v", tc.src, err)
		}
		call := p.Calls[1]
		if sig, reg := Sig(call), runtime.LookupSig(uintptr(call.Sys.Nr)); sig != reg || reg == nil {
			t.Errorf("%s: Sig is %p, not the registered Sig %p", tc.src, sig, reg)
		}
		b, err := Build(p)
		if err != nil {
			t.Fatalf("Build(%q): %v", tc.src, err)
		}

		g := generated.New()
		g.Getpid()
		tc.gen(g, make([]byte, 64))
		if _, err := g.Program(); err != nil {
			t.Fatalf("%s: the generated builder: %v", tc.src, err)
		}
		got := goAddr.ReplaceAllString(b.Chain.String(), "ADDR")
		want := goAddr.ReplaceAllString(g.String(), "ADDR")
		if got != want {
			t.Errorf("%s: the command builds\n%sthe generated method builds\n%s", tc.src, got, want)
		}
	}
}

// TestSigCoverage checks that every syscall of the host's table the
// generator makes a method for (a known signature of at most six slots)
// takes its kinds from the registry, and every other one gets the generic
// signature.
func TestSigCoverage(t *testing.T) {
	arch := hostArch(t)
	n := 0
	for i := range arch.Syscalls {
		sys := &arch.Syscalls[i]
		if !sys.Implemented() {
			continue
		}
		call := &Call{Sys: sys}
		sig := Sig(call)
		reg := runtime.LookupSig(uintptr(sys.Nr))
		if sys.HasSig && len(sys.Slots) <= 6 {
			n++
			if sig != reg {
				t.Errorf("%s (number %d): not the registered Sig (%v)", sys.Name, sys.Nr, reg)
			}
			continue
		}
		if sig == reg {
			t.Errorf("%s (number %d, %d slots, signature known %v): a registered Sig, want the generic one", sys.Name, sys.Nr, len(sys.Slots), sys.HasSig)
		}
	}
	if n < 100 {
		t.Errorf("only %d syscalls with a registered Sig on linux/%s", n, arch.GoArch)
	}
}

// genericArch is a table of rows no Sig is registered for, at numbers
// beyond every arch's table: one without a signature, one with, one with
// a 64-bit value split over a padded register pair, and one of 7 slots
// (as mips o32's fadvise64).
func genericArch() *tables.Arch {
	whole := func(n int) []tables.Slot {
		var s []tables.Slot
		for k := range n {
			s = append(s, tables.Slot{Param: k})
		}
		return s
	}
	return &tables.Arch{GoArch: "amd64", LinuxArch: "x86_64", Bits: 64, Syscalls: []tables.Syscall{
		{Nr: 9001, Name: "nosig", Entry: "sys_nosig", Source: "test"},
		{Nr: 9002, Name: "frob", Entry: "sys_frob", HasSig: true, Source: "test",
			Params: []tables.Param{{Name: "fd", Type: "unsigned int"}, {Name: "path", Type: "const char __user *"},
				{Name: "buf", Type: "void __user *"}, {Name: "count", Type: "size_t"}},
			Slots: whole(4)},
		{Nr: 9003, Name: "pread64", Entry: "sys_pread64", HasSig: true, Source: "test",
			Params: []tables.Param{{Name: "fd", Type: "unsigned int"}, {Name: "buf", Type: "char __user *"},
				{Name: "count", Type: "size_t"}, {Name: "pos", Type: "loff_t"}},
			Slots: []tables.Slot{{Param: 0}, {Param: 1}, {Param: 2}, {Param: -1, Part: tables.Pad},
				{Param: 3, Part: tables.Lo}, {Param: 3, Part: tables.Hi}}},
		{Nr: 9004, Name: "seven", Entry: "sys_seven", HasSig: true, Source: "test",
			Params: []tables.Param{{Name: "a", Type: "int"}, {Name: "b", Type: "int"}, {Name: "c", Type: "int"},
				{Name: "d", Type: "int"}, {Name: "e", Type: "int"}, {Name: "f", Type: "int"}, {Name: "g", Type: "int"}},
			Slots: whole(7)},
	}}
}

// TestGenericSig checks the signature of a call without a registered Sig
// (genericSig): strings and buffers where the chain writes them, the
// table's split and padding, plain integers elsewhere, and no length tied
// to its buffer.
func TestGenericSig(t *testing.T) {
	I, H, S, B := runtime.KindInt, runtime.KindHex, runtime.KindString, runtime.KindBuf
	for _, tc := range []struct {
		src   string
		kinds []runtime.Kind
		print string
	}{
		{`nosig(1, "x", b[8], 255)`, []runtime.Kind{H, S, B, H}, `nosig(0x1, "x", ADDR, 0xff)`},
		{`syscall(9999, 1, "x")`, []runtime.Kind{H, S}, `syscall_9999(0x1, "x")`},
		{`frob(3, "/p", b[8], 16)`, []runtime.Kind{I, S, B, I}, `frob(3, "/p", ADDR, 16)`},
		{`frob(-1, NULL, 0, 16)`, []runtime.Kind{I, H, H, I}, `frob(-1, 0x0, 0x0, 16)`},
		{`frob(3, b[8], "in", 2)`, []runtime.Kind{I, B, S, I}, `frob(3, ADDR, "in", 2)`},
		{`pread64(3, b[8], 8, 0x100000002)`, []runtime.Kind{I, B, I, runtime.KindPad, runtime.KindLo, runtime.KindHi}, `pread64(3, ADDR, 8, 4294967298)`},
	} {
		s, err := Parse("", tc.src)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.src, err)
		}
		p, err := Check(s, genericArch())
		if err != nil {
			t.Fatalf("Check(%q): %v", tc.src, err)
		}
		sig := Sig(p.Calls[0])
		var kinds []runtime.Kind
		for _, prm := range sig.Params {
			kinds = append(kinds, prm.Kind)
		}
		if kindList(kinds) != kindList(tc.kinds) {
			t.Errorf("%s: kinds %v, want %v", tc.src, kinds, tc.kinds)
		}
		b, err := Build(p)
		if err != nil {
			// A bounded length would refuse frob(3, "/p", b[8], 16).
			t.Errorf("Build(%q): %v", tc.src, err)
			continue
		}
		if got := strings.TrimSpace(goAddr.ReplaceAllString(b.Chain.String(), "ADDR")); got != tc.print {
			t.Errorf("%s prints %s, want %s", tc.src, got, tc.print)
		}
	}

	// A call of more than six slots gets no method from the generator, and
	// the runtime refuses it, at the step.
	s, err := Parse("", `nop(); seven(1, 2, 3, 4, 5, 6, 7)`)
	if err != nil {
		t.Fatal(err)
	}
	arch := genericArch()
	arch.Syscalls = append([]tables.Syscall{{Nr: 9000, Name: "nop", Entry: "sys_nop", HasSig: true, Source: "test"}}, arch.Syscalls...)
	p, err := Check(s, arch)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Build(p); err == nil || !strings.HasPrefix(err.Error(), "1:8: ") || !strings.Contains(err.Error(), "seven has 7 parameters") {
		t.Errorf("Build of a 7-slot call: %v; want an error at 1:8 about its 7 parameters", err)
	}
}

func kindList(ks []runtime.Kind) string {
	var b strings.Builder
	for _, k := range ks {
		b.WriteString(k.String() + ",")
	}
	return b.String()
}
