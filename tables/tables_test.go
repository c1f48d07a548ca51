package tables

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// The 15 Linux GOARCHes golang.org/x/sys/unix supports.
var wantArches = []string{"386", "amd64", "arm", "arm64", "loong64", "mips", "mips64", "mips64le", "mipsle", "ppc", "ppc64", "ppc64le", "riscv64", "s390x", "sparc64"}

func TestGoArches(t *testing.T) {
	if got := GoArches(); !reflect.DeepEqual(got, wantArches) {
		t.Fatalf("GoArches() = %v, want %v", got, wantArches)
	}
}

func TestLoadAll(t *testing.T) {
	bits := map[string]int{"386": 32, "arm": 32, "mips": 32, "mipsle": 32, "ppc": 32}
	big := map[string]bool{"mips": true, "mips64": true, "ppc": true, "ppc64": true, "s390x": true, "sparc64": true}
	for _, g := range wantArches {
		a, err := Load(g)
		if err != nil {
			t.Fatal(err)
		}
		wantBits := 64
		if b, ok := bits[g]; ok {
			wantBits = b
		}
		if a.GoArch != g || a.Bits != wantBits || a.BigEndian != big[g] {
			t.Errorf("%s: !arch says goarch=%s bits=%d big=%v", g, a.GoArch, a.Bits, a.BigEndian)
		}
		if len(a.Syscalls) < 300 {
			t.Errorf("%s: only %d syscalls", g, len(a.Syscalls))
		}
		for i := range a.Syscalls {
			s := &a.Syscalls[i]
			if got, ok := a.ByNr(s.Nr); !ok || got != s {
				t.Errorf("%s: ByNr(%d) does not find %s", g, s.Nr, s.Name)
			}
			if s.HasSig && a.Bits == 64 && !s.OneToOne() {
				t.Errorf("%s %s: a 64-bit arch has a call that is not one register per parameter", g, s.Name)
			}
			if !s.Implemented() && s.HasSig {
				t.Errorf("%s %s: not implemented but has a signature", g, s.Name)
			}
		}
	}
	if _, err := Load("vax"); err == nil || !strings.Contains(err.Error(), "amd64") {
		t.Errorf("Load(vax) = %v, want an error listing the arches there are", err)
	}
}

// Every implemented syscall has a signature, except a short, explained
// list.
func TestSignatures(t *testing.T) {
	allowed := map[string][]string{
		// o32's indirect syscall(2): the number in a0, the arguments
		// shifted by one register; varargs in C terms.
		"mips":   {"syscall"},
		"mipsle": {"syscall"},
	}
	for _, g := range wantArches {
		a, err := Load(g)
		if err != nil {
			t.Fatal(err)
		}
		var missing []string
		for i := range a.Syscalls {
			s := &a.Syscalls[i]
			if s.Implemented() && !s.HasSig {
				missing = append(missing, s.Name)
				if s.Note == "" {
					t.Errorf("%s %s: no signature and no note saying why", g, s.Name)
				}
			}
		}
		if !reflect.DeepEqual(missing, allowed[g]) && !(len(missing) == 0 && len(allowed[g]) == 0) {
			t.Errorf("%s: implemented syscalls without a signature: %v, want %v", g, missing, allowed[g])
		}
	}
}

func TestHardCases(t *testing.T) {
	tests := []struct {
		arch, name string
		slots      string // SlotNames joined by ", "
		nr         int    // 0: not checked
	}{
		// 64-bit arguments on 32-bit arches: arm EABI aligns a pair to an
		// even register, little-endian (low word first).
		{"arm", "pread64", "fd, buf, count, pad, pos_lo, pos_hi", 180},
		{"arm", "ftruncate64", "fd, pad, length_lo, length_hi", 194},
		{"arm", "fallocate", "fd, mode, offset_lo, offset_hi, len_lo, len_hi", 352},
		{"arm", "arm_fadvise64_64", "fd, advice, offset_lo, offset_hi, len_lo, len_hi", 270},
		{"arm", "fanotify_mark", "fanotify_fd, flags, mask_lo, mask_hi, dfd, pathname", 368},
		// mips o32: aligned pairs, big-endian (high word first), and up
		// to 8 registers (the rest on the user stack).
		{"mips", "fadvise64", "fd, pad, offset_hi, offset_lo, len_hi, len_lo, advice", 4254},
		{"mipsle", "fadvise64", "fd, pad, offset_lo, offset_hi, len_lo, len_hi, advice", 4254},
		{"mips", "pread64", "fd, buf, count, pad, pos_hi, pos_lo", 4200},
		{"mips64", "pread64", "fd, buf, count, pos", 5016},
		// 386: the kernel's ia32 wrappers take the halves explicitly, no
		// alignment.
		{"386", "pread64", "fd, ubuf, count, poslo, poshi", 180},
		{"386", "ftruncate64", "fd, offset_low, offset_high", 194},
		// ppc32: sys_ppc_pread64 spells out the padding register and the
		// halves (merge_64(high, low)); SC_ARG64 is high first on
		// big-endian. A plain 64-bit value is split high first, aligned,
		// on big-endian mips o32 (ppc's last such call, lookup_dcookie,
		// is unimplemented since 6.12's tree).
		{"ppc", "pread64", "fd, ubuf, count, reg6, pos1, pos2", 179},
		{"ppc", "fanotify_mark", "fanotify_fd, flags, mask_hi, mask_lo, dfd, pathname", 324},
		{"mips", "truncate64", "path, pad, length_hi, length_lo", 4211},
		{"386", "fanotify_mark", "fanotify_fd, flags, mask_lo, mask_hi, dfd, pathname", 339},
		// preadv takes pos_l, pos_h on every arch, 64-bit ones included.
		{"amd64", "preadv", "fd, vec, vlen, pos_l, pos_h", 295},
		{"arm64", "preadv", "fd, vec, vlen, pos_l, pos_h", 69},
		{"arm", "preadv", "fd, vec, vlen, pos_l, pos_h", 361},
		{"s390x", "preadv", "fd, vec, vlen, pos_l, pos_h", 328},
		// clone's argument order differs per arch (CONFIG_CLONE_BACKWARDS*).
		{"amd64", "clone", "clone_flags, newsp, parent_tidptr, child_tidptr, tls", 56},
		{"s390x", "clone", "newsp, clone_flags, parent_tidptr, child_tidptr, tls", 120},
		{"386", "clone", "clone_flags, newsp, parent_tidptr, tls, child_tidptr", 120},
		{"arm64", "clone", "clone_flags, newsp, parent_tidptr, tls, child_tidptr", 220},
		{"sparc64", "clone", "clone_flags, newsp, parent_tidptr, tls, child_tidptr", 217},
		// mmap variants.
		{"386", "mmap", "arg", 90},
		{"arm", "mmap2", "addr, len, prot, flags, fd, pgoff", 192},
		{"amd64", "mmap", "addr, len, prot, flags, fd, off", 9},
		// Linux 6.5's cachestat (from the 6.12 tree), and overlay rows,
		// newer than 6.12.
		{"amd64", "cachestat", "fd, cstat_range, cstat, flags", 451},
		{"mips", "listns", "req, ns_ids, nr_ns_ids, flags", 4470},
		{"mips64", "rseq_slice_yield", "", 5471},
	}
	for _, tt := range tests {
		a, err := Load(tt.arch)
		if err != nil {
			t.Fatal(err)
		}
		s, ok := a.Lookup(tt.name)
		if !ok {
			t.Errorf("%s: no %s", tt.arch, tt.name)
			continue
		}
		if got := strings.Join(s.SlotNames(), ", "); got != tt.slots || !s.HasSig {
			t.Errorf("%s %s: slots %q, want %q (signature %s)", tt.arch, tt.name, got, tt.slots, s.Signature())
		}
		if tt.nr != 0 && s.Nr != tt.nr {
			t.Errorf("%s %s: number %d, want %d", tt.arch, tt.name, s.Nr, tt.nr)
		}
	}
}

func TestSlotParts(t *testing.T) {
	a, err := Load("arm")
	if err != nil {
		t.Fatal(err)
	}
	s, _ := a.Lookup("pread64")
	want := []Slot{{0, Whole}, {1, Whole}, {2, Whole}, {-1, Pad}, {3, Lo}, {3, Hi}}
	if !reflect.DeepEqual(s.Slots, want) {
		t.Errorf("arm pread64 slots = %v, want %v", s.Slots, want)
	}
	if s.Params[3] != (Param{Name: "pos", Type: "loff_t"}) {
		t.Errorf("arm pread64 param 3 = %+v", s.Params[3])
	}
	if got, want := s.Signature(), "unsigned int fd, char __user *buf, size_t count, loff_t pos"; got != want {
		t.Errorf("Signature() = %q, want %q", got, want)
	}
}

// Format(Parse(file)) reproduces the file: the format is stable, so
// regeneration diffs show real changes only.
func TestFormatRoundTrip(t *testing.T) {
	for _, g := range wantArches {
		data, err := files.ReadFile("linux_" + g + ".tbl")
		if err != nil {
			t.Fatal(err)
		}
		a, err := Load(g)
		if err != nil {
			t.Fatal(err)
		}
		var header []string
		for _, l := range strings.Split(string(data), "\n") {
			if !strings.HasPrefix(l, "#") {
				break
			}
			header = append(header, strings.TrimPrefix(strings.TrimPrefix(l, "#"), " "))
		}
		var b bytes.Buffer
		if err := Format(&b, a, header); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b.Bytes(), data) {
			t.Errorf("%s: Format(Load()) differs from the embedded file", g)
		}
	}
}

func TestParseErrors(t *testing.T) {
	const arch = "!arch goarch=arm linux=arm bits=32 endian=little\n"
	const ok = "0\trestart_syscall\tsys_restart_syscall\t=\tvoid\tkernel/signal.c\n"
	tests := []struct {
		name, data, want string
	}{
		{"no arch", ok, "x.tbl:1: row before the !arch line"},
		{"empty", "# nothing\n", "x.tbl: no !arch line"},
		{"bad bits", "!arch goarch=arm linux=arm bits=31 endian=little\n", "x.tbl:1: !arch: bits=31"},
		{"missing key", "!arch goarch=arm linux=arm bits=32\n", "x.tbl:1: !arch: missing endian="},
		{"columns", arch + "1\texit\tsys_exit\t=\n", "x.tbl:2: 4 tab-separated columns, want 6 or 7"},
		{"number", arch + "x\texit\tsys_exit\t=\tint code\tkernel/exit.c\n", `x.tbl:2: number "x"`},
		{"order", arch + "# c\n" + "5\ta\tsys_a\t=\tvoid\tk.c\n4\tb\tsys_b\t=\tvoid\tk.c\n", "x.tbl:4: number 4 after 5"},
		{"dup name", arch + "1\ta\tsys_a\t=\tvoid\tk.c\n2\ta\tsys_a\t=\tvoid\tk.c\n", `x.tbl:3: name "a" already used on line 2`},
		{"bad slot", arch + "1\ta\tsys_a\tfd,pos.mid\tint fd, loff_t pos\tk.c\n", `x.tbl:2: slot 2 "pos.mid": want NAME, NAME.lo, NAME.hi or .pad`},
		{"unknown param", arch + "1\ta\tsys_a\tfd,x\tint fd\tk.c\n", `x.tbl:2: slot 2 "x": no parameter "x"`},
		{"param in no slot", arch + "1\ta\tsys_a\tfd\tint fd, int mode\tk.c\n", `x.tbl:2: slots: parameter "mode" is in no slot`},
		{"slots without sig", arch + "1\ta\tsys_a\t=\t?\tk.c\n", "x.tbl:2: slots \"=\" but the signature is unknown"},
		{"bad decl", arch + "1\ta\tsys_a\t=\tint\tk.c\n", `x.tbl:2: signature parameter 1: "int" is not TYPE NAME`},
		{"empty source", arch + "1\ta\tsys_a\t=\tvoid\t\n", "x.tbl:2: empty source column"},
		{"bad entry", arch + "1\ta\tsys a\t=\tvoid\tk.c\n", `x.tbl:2: entry "sys a"`},
	}
	for _, tt := range tests {
		_, err := Parse("x.tbl", []byte(tt.data))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Parse error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
	if _, err := Parse("x.tbl", []byte(arch+ok)); err != nil {
		t.Errorf("valid table: %v", err)
	}
}

func TestFormatRefusesUnreadable(t *testing.T) {
	a := &Arch{GoArch: "amd64", LinuxArch: "x86_64", Bits: 64, Syscalls: []Syscall{{Nr: 0, Name: "read", Entry: "sys_read"}}}
	if err := Format(&bytes.Buffer{}, a, nil); err == nil || !strings.Contains(err.Error(), "empty source") {
		t.Errorf("Format with an empty source: %v", err)
	}
	a.Syscalls[0].Source = "a\tb"
	if err := Format(&bytes.Buffer{}, a, nil); err == nil || !strings.Contains(err.Error(), "tab") {
		t.Errorf("Format with a tab in a field: %v", err)
	}
}

func BenchmarkLoad(b *testing.B) {
	for _, g := range []string{"amd64", "mips"} {
		b.Run(g, func(b *testing.B) {
			for b.Loop() {
				if _, err := Load(g); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func ExampleArch_Lookup() {
	a, err := Load("arm")
	if err != nil {
		panic(err)
	}
	s, _ := a.Lookup("pread64")
	fmt.Println(s.Nr, s.Signature())
	fmt.Println(strings.Join(s.SlotNames(), ", "))
	// Output:
	// 180 unsigned int fd, char __user *buf, size_t count, loff_t pos
	// fd, buf, count, pad, pos_lo, pos_hi
}
