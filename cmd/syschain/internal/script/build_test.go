package script

import (
	"strings"
	"testing"

	"github.com/syschain/syschain/runtime"
	"github.com/syschain/syschain/tables"
)

// splitArch is an arm-like table: pread64's 64-bit pos takes an aligned
// register pair (fd, buf, count, pad, pos_lo, pos_hi).
func splitArch() *tables.Arch {
	return &tables.Arch{GoArch: "arm", LinuxArch: "arm", Bits: 32, Syscalls: []tables.Syscall{
		{Nr: 6, Name: "close", Entry: "sys_close", HasSig: true, Source: "test",
			Params: []tables.Param{{Name: "fd", Type: "unsigned int"}}, Slots: []tables.Slot{{Param: 0}}},
		{Nr: 180, Name: "pread64", Entry: "sys_pread64", HasSig: true, Source: "test",
			Params: []tables.Param{{Name: "fd", Type: "unsigned int"}, {Name: "buf", Type: "char __user *"},
				{Name: "count", Type: "size_t"}, {Name: "pos", Type: "loff_t"}},
			Slots: []tables.Slot{{Param: 0}, {Param: 1}, {Param: 2}, {Param: -1, Part: tables.Pad},
				{Param: 3, Part: tables.Lo}, {Param: 3, Part: tables.Hi}}},
	}}
}

func buildSrc(t *testing.T, arch *tables.Arch, src string) (*Built, error) {
	t.Helper()
	s, err := Parse("", src)
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	p, err := Check(s, arch)
	if err != nil {
		t.Fatalf("Check(%q): %v", src, err)
	}
	return Build(p)
}

// TestBuildSplit checks that a 64-bit argument is split over the slots
// the table gives, with the pad slot left 0.
func TestBuildSplit(t *testing.T) {
	b, err := buildSrc(t, splitArch(), `pread64(3, buf[16], 16, 0x123456789)`)
	if err != nil {
		t.Fatal(err)
	}
	words, err := runtime.Encode(b.Chain, 64)
	if err != nil {
		t.Fatal(err)
	}
	// number, bitmap, then the six slots.
	if len(words) < 8 {
		t.Fatalf("words %#x", words)
	}
	args := words[2:8]
	if args[0] != 3 || args[2] != 16 || args[3] != 0 || args[4] != 0x23456789 || args[5] != 1 {
		t.Errorf("slots %#x; want fd 3, count 16, pad 0, lo 0x23456789, hi 0x1", args)
	}
	if len(b.Buffers) != 1 || len(b.Buffers[0]) != 16 {
		t.Errorf("buffers %d", len(b.Buffers))
	}
}

// TestBuildErrors checks that the runtime's refusals come back at the
// place in the source they are about. The length checks need the host's
// real table: only a call with a registered Sig has a KindLen slot.
func TestBuildErrors(t *testing.T) {
	for _, tc := range []struct {
		arch *tables.Arch
		in   string
		want string
	}{
		{hostArch(t), `read(0, b[8], 9)`, `1:15: step 0 (read) arg[2]: a length must not exceed its buffer`},
		{hostArch(t), `write(1, "abc", 4)`, `1:17: step 0 (write) arg[2]: a length must not exceed its buffer`},
	} {
		_, err := buildSrc(t, tc.arch, tc.in)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("Build(%q) = %v, want %s…", tc.in, err, tc.want)
		}
	}
}

// TestBuildSplitRef: a reference in a 64-bit value a 32-bit arch splits
// goes in the low slot (the high one is 0), as on a 64-bit arch.
func TestBuildSplitRef(t *testing.T) {
	if _, err := buildSrc(t, splitArch(), `close(0); pread64(3, b[8], 8, $0)`); err != nil {
		t.Errorf("a split reference: %v", err)
	}
}

// TestBuildRun builds a chain and runs it on the dryrun backend: the
// references, conditions and jump reach the runtime as written.
func TestBuildRun(t *testing.T) {
	b, err := buildSrc(t, hostArch(t), `openat(AT_FDCWD, "/x", O_RDONLY, 0)
read($0, buf[8], 8) if == 0 or == $0 goto 3
write(1, buf, $1)
close($0)`)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		results []int64
		ran     []bool
	}{
		{[]int64{3, 5, 5, 0}, []bool{true, true, true, true}},
		{[]int64{3, 0, 5, 0}, []bool{true, true, false, true}}, // == 0: jump
		{[]int64{3, 3, 5, 0}, []bool{true, true, false, true}}, // == $0: jump
	} {
		res, err := b.Chain.RunOn(&runtime.DryRun{Results: tc.results})
		if err != nil {
			t.Fatalf("%v: %v", tc.results, err)
		}
		for i, want := range tc.ran {
			if res.Ran(i) != want {
				t.Errorf("results %v: step %d ran = %v, want %v", tc.results, i, res.Ran(i), want)
			}
		}
	}
}
