package tablegen

// Tests on small fixture trees (testdata/tree-*.txtar), one per layout of
// the generic arches' syscall list, so that both layouts are covered
// without a kernel tarball. `go test ./gen/tablegen -update` rewrites the
// golden tables (testdata/golden/).

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/syschain/syschain/tables"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the fixture trees")

// The fixture arches: one with its own .tbl, two on the generic list.
var fixtureArches = []string{"amd64", "arm64", "riscv64"}

// fixtureTree extracts testdata/tree-common.txtar and then
// testdata/tree-<layout>.txtar into a temporary directory.
func fixtureTree(t testing.TB, layout string) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"tree-common.txtar", "tree-" + layout + ".txtar"} {
		ar, err := txtar.ParseFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range ar.Files {
			p := filepath.Join(dir, f.Name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

func buildFixture(t testing.TB, layout, overlay string) (*Result, error) {
	t.Helper()
	return BuildTargets(fixtureTree(t, layout), overlay, "overlay.txt", onlyTargets(t, fixtureArches...))
}

// Each layout builds, each generic arch is read in the layout its tree
// has, and the tables match the golden files.
func TestFixtureLayouts(t *testing.T) {
	for _, tc := range []struct {
		layout string
		want   map[string]Layout
	}{
		{"unistd-h", map[string]Layout{"amd64": LayoutArchTbl, "arm64": LayoutUnistdH, "riscv64": LayoutUnistdH}},
		{"syscall-tbl", map[string]Layout{"amd64": LayoutArchTbl, "arm64": LayoutSyscallTbl, "riscv64": LayoutSyscallTbl}},
	} {
		t.Run(tc.layout, func(t *testing.T) {
			root := fixtureTree(t, tc.layout)
			for g, want := range tc.want {
				tg, _ := TargetFor(g)
				spec, err := detectLayout(root, tg)
				if err != nil || spec.Layout != want {
					t.Errorf("%s: layout %v, %v; want %v", g, spec.Layout, err, want)
				}
			}
			res, err := BuildTargets(root, "testdata/overlay.txt", "overlay.txt", onlyTargets(t, fixtureArches...))
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range res.Warnings {
				if !strings.Contains(w, "the tree has no ") { // the fixtures hold few directories
					t.Errorf("warning: %s", w)
				}
			}
			files, err := res.Render()
			if err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join("testdata", "golden", tc.layout)
			if *update {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				for name, data := range files {
					if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				return
			}
			for name, data := range files {
				want, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					t.Fatalf("%v (run go test ./gen/tablegen -update)", err)
				}
				if !bytes.Equal(data, want) {
					t.Errorf("%s differs from %s (check the change, then go test ./gen/tablegen -update):\n%s", name, dir, lineDiff(string(want), string(data)))
				}
			}
		})
	}
}

// lineDiff shows the lines of want and got that differ, in order.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, c string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			c = g[i]
		}
		if a != c {
			b.WriteString("- " + a + "\n+ " + c + "\n")
		}
	}
	return b.String()
}

// Facts the golden files hold, spelled out: the two layouts give the
// same rows for the calls both trees have, ABI filters apply, and the
// override of syscalltbl is followed.
func TestFixtureRows(t *testing.T) {
	old, err := buildFixture(t, "unistd-h", "testdata/overlay.txt")
	if err != nil {
		t.Fatal(err)
	}
	cur, err := buildFixture(t, "syscall-tbl", "testdata/overlay.txt")
	if err != nil {
		t.Fatal(err)
	}
	row := func(res *Result, goarch, name string) *tables.Syscall {
		for _, a := range res.Arches {
			if a.GoArch == goarch {
				if s, ok := a.Lookup(name); ok {
					return s
				}
				return nil
			}
		}
		t.Fatalf("no %s", goarch)
		return nil
	}
	for _, res := range []*Result{old, cur} {
		for _, g := range []string{"arm64", "riscv64"} {
			// 64-bit ABIs: lseek, newfstatat and mmap, not the 32-bit
			// llseek, fstatat64 and mmap2; no other arch's rows.
			for _, name := range []string{"lseek", "newfstatat", "mmap", "getrlimit", "memfd_secret", "clone", "cachestat"} {
				if s := row(res, g, name); s == nil || !s.HasSig {
					t.Errorf("Linux %s %s: no %s with a signature", res.Kernel, g, name)
				}
			}
			for _, name := range []string{"llseek", "fstatat64", "mmap2", "cacheflush"} {
				if row(res, g, name) != nil {
					t.Errorf("Linux %s %s: has %s (another ABI's row)", res.Kernel, g, name)
				}
			}
			if s := row(res, g, "lookup_dcookie"); s == nil || s.Implemented() {
				t.Errorf("Linux %s %s: lookup_dcookie: %+v, want a reserved number", res.Kernel, g, s)
			}
		}
		if row(res, "arm64", "renameat") == nil || row(res, "riscv64", "renameat") != nil {
			t.Errorf("Linux %s: renameat is arm64's (renameat ABI / __ARCH_WANT_RENAMEAT), not riscv64's", res.Kernel)
		}
		if s := row(res, "riscv64", "riscv_flush_icache"); s == nil || s.Nr != 259 || s.Signature() != "uintptr_t start, uintptr_t end, uintptr_t flags" {
			t.Errorf("Linux %s riscv64 riscv_flush_icache: %+v", res.Kernel, s)
		}
		if row(res, "arm64", "riscv_flush_icache") != nil || row(res, "amd64", "rt_sigaction") != nil {
			t.Errorf("Linux %s: another arch's or ABI's rows leaked in", res.Kernel)
		}
	}
	if s := row(cur, "arm64", "lookup_dcookie"); s.Source != "arch/arm64/tools/syscall_64.tbl:7" {
		t.Errorf("arm64 numbers come from %s, want arch/arm64/tools/syscall_64.tbl (Makefile.syscalls's syscalltbl)", s.Source)
	}
	if s := row(cur, "riscv64", "lookup_dcookie"); s.Source != "scripts/syscall.tbl:7" {
		t.Errorf("riscv64 numbers come from %s, want scripts/syscall.tbl", s.Source)
	}
	// The overlay gives cachestat on the older tree, the tree on the newer.
	if s := row(old, "amd64", "cachestat"); s.Source != "overlay.txt:4" {
		t.Errorf("6.1 cachestat from %s, want overlay.txt:4", s.Source)
	}
	if s := row(cur, "amd64", "cachestat"); s.Source != "mm/filemap.c" {
		t.Errorf("6.12 cachestat from %s, want mm/filemap.c", s.Source)
	}
	if len(old.Superseded) != 0 {
		t.Errorf("the 6.1-like tree supersedes %+v", old.Superseded)
	}
	var got []string
	for _, s := range cur.Superseded {
		got = append(got, s.Where+" "+s.Name+" "+strings.Join(s.On, ",")+" still:"+strings.Join(s.Still, ","))
	}
	want := []string{"overlay.txt:4 cachestat amd64,arm64,riscv64 still:", "overlay.txt:5 riscv_hwprobe riscv64 still:"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("superseded:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A superseded row must agree with the tree; the release it names must
// fit the tree. Every mismatch fails, naming the row and showing both
// sides.
func TestFixtureOverlaySelfCheck(t *testing.T) {
	good := "new\t*\t6.5\t451\tcachestat\tsys_cachestat\tunsigned int fd, struct cachestat_range __user *cstat_range, struct cachestat __user *cstat, unsigned int flags\tsrc"
	tests := []struct {
		layout, row string
		want        []string
	}{
		{"syscall-tbl", good, nil},
		{"syscall-tbl", strings.Replace(good, "unsigned int flags", "int flags", 1),
			[]string{"ov.txt:2: cachestat on amd64: signature differs:", "row:  unsigned int fd, struct cachestat_range __user *cstat_range, struct cachestat __user *cstat, int flags",
				"tree (arch/x86/entry/syscalls/syscall_64.tbl:19, signature from mm/filemap.c): unsigned int fd, struct cachestat_range __user *cstat_range, struct cachestat __user *cstat, unsigned int flags"}},
		{"syscall-tbl", strings.Replace(good, "\t451\t", "\t452\t", 1),
			[]string{"ov.txt:2: the row says cachestat is number 452 on amd64, but the tree has it as number 451 (arch/x86/entry/syscalls/syscall_64.tbl:19)"}},
		{"syscall-tbl", strings.Replace(good, "\t451\tcachestat\t", "\t462\tcachestat\t", 1),
			[]string{"ov.txt:2: the row says cachestat is number 462 on amd64, but the tree's number 462 is mseal"}},
		{"syscall-tbl", strings.Replace(good, "\tsys_cachestat\t", "\tsys_cachestat2\t", 1),
			[]string{"ov.txt:2: cachestat on amd64: entry point differs:", "row:  sys_cachestat2", ": sys_cachestat"}},
		{"syscall-tbl", strings.Replace(good, "\t6.5\t", "\t6.13\t", 1),
			[]string{"ov.txt:2: cachestat: the row says Linux 6.13 added it, but this Linux 6.12.0 tree already has it on amd64"}},
		{"syscall-tbl", "new\tamd64\t6.10\t470\tlistns\tsys_listns\tvoid\tsrc",
			[]string{"ov.txt:2: listns: the row says Linux 6.10 added listns, but this Linux 6.12.0 tree has no listns and no number 470 on amd64"}},
		{"unistd-h", strings.Replace(good, "unsigned int flags", "int flags", 1), nil}, // the older tree lacks it: the row is used as it stands
		{"unistd-h", "new\tarm64\t6.1\t999\tnewcall\tsys_newcall\tvoid\tsrc",
			[]string{"ov.txt:2: newcall: the row says Linux 6.1 added newcall, but this Linux 6.1.0 tree has no newcall"}},
		// A generic-list arch, either layout.
		{"syscall-tbl", "new\triscv64\t6.4\t258\triscv_hwprobe\tsys_riscv_hwprobe\tvoid\tsrc",
			[]string{"ov.txt:2: riscv_hwprobe on riscv64: signature differs:", "row:  void", "tree (scripts/syscall.tbl:20, signature from arch/riscv/kernel/sys_hwprobe.c): struct riscv_hwprobe __user *pairs"}},
	}
	for _, tt := range tests {
		ov := filepath.Join(t.TempDir(), "ov.txt")
		os.WriteFile(ov, []byte("# test\n"+tt.row+"\n"), 0o644)
		_, err := BuildTargets(fixtureTree(t, tt.layout), ov, "ov.txt", onlyTargets(t, fixtureArches...))
		if tt.want == nil {
			if err != nil {
				t.Errorf("%s %q: %v", tt.layout, tt.row, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s %q: built; want an error with %q", tt.layout, tt.row, tt.want)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s %q:\n%v\nwant it to contain %q", tt.layout, tt.row, err, w)
			}
		}
	}
}

// The compatibility check between the two fixture trees: every shared
// call agrees, the newer calls are listed, the expected kernel changes
// are used, and an unexpected difference fails.
func TestFixtureCompat(t *testing.T) {
	old, err := buildFixture(t, "unistd-h", "testdata/overlay.txt")
	if err != nil {
		t.Fatal(err)
	}
	cur, err := buildFixture(t, "syscall-tbl", "testdata/overlay.txt")
	if err != nil {
		t.Fatal(err)
	}
	expect, err := ReadCompatExpect("testdata/compat-expect.txt")
	if err != nil {
		t.Fatal(err)
	}
	res := CheckCompat(old.Arches, cur.Arches, expect)
	if len(res.Errors) > 0 {
		t.Fatalf("errors:\n%s", strings.Join(res.Errors, "\n"))
	}
	lacks := func(g string) string {
		var n []string
		for _, c := range res.Lacks[g] {
			n = append(n, c.New.Name)
		}
		return strings.Join(n, ",")
	}
	for g, want := range map[string]string{"amd64": "mseal", "arm64": "mseal", "riscv64": "mseal"} {
		if got := lacks(g); got != want {
			t.Errorf("%s: the older tables lack %q, want %q", g, got, want)
		}
	}
	if len(res.Expected["riscv64"]) != 1 || len(res.Expected["amd64"]) != 1 || res.Compared["arm64"] < 10 {
		t.Errorf("expected changes %v, compared %v", res.Expected, res.Compared)
	}

	// Without the expectations, the kernel's changes are errors showing
	// both sides; a stale expectation is an error too.
	res = CheckCompat(old.Arches, cur.Arches, nil)
	if got := strings.Join(res.Errors, "\n"); !strings.Contains(got, "riscv64: ~ 222 mmap: changed") || !strings.Contains(got, "was mmap sys_mmap(unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags, unsigned long fd, off_t offset)") ||
		!strings.Contains(got, "amd64: ~ 212 lookup_dcookie: unimplemented") || len(res.Errors) != 2 {
		t.Errorf("no expectations: errors\n%s", got)
	}
	stale := append(expect, &CompatExpect{Arches: []string{"arm64"}, Name: "read", Kind: "changed", Why: "x", Where: "x.txt:9"})
	if res := CheckCompat(old.Arches, cur.Arches, stale); len(res.Errors) != 1 || !strings.Contains(res.Errors[0], "x.txt:9: expects read changed, which no arch shows") {
		t.Errorf("stale expectation: %v", res.Errors)
	}
	// A row the newer tables lost fails.
	lost := *cur.Arches[1]
	lost.Syscalls = append([]tables.Syscall{}, lost.Syscalls[1:]...)
	if res := CheckCompat(old.Arches, []*tables.Arch{cur.Arches[0], &lost, cur.Arches[2]}, expect); len(res.Errors) != 1 || !strings.Contains(res.Errors[0], "arm64: - 17 getcwd") {
		t.Errorf("a lost row: %v", res.Errors)
	}
}

func TestCompatExpectErrors(t *testing.T) {
	for _, tt := range []struct{ line, want string }{
		{"*\tmmap\tchanged", "x.txt:1: 3 tab-separated columns, want 4"},
		{"vax\tmmap\tchanged\twhy", `x.txt:1: arches: unknown GOARCH "vax"`},
		{"*\tmmap\tadded\twhy", `x.txt:1: kind "added": want changed, unimplemented, renamed or removed`},
		{"*\tmmap\tchanged\t", "x.txt:1: empty why column"},
	} {
		p := filepath.Join(t.TempDir(), "x.txt")
		os.WriteFile(p, []byte(tt.line+"\n"), 0o644)
		_, err := ReadCompatExpect(p)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v, want %q", tt.line, err, tt.want)
		}
	}
}

// Layout problems name the files and the fix.
func TestFixtureLayoutErrors(t *testing.T) {
	arm64 := onlyTargets(t, "arm64")
	root := fixtureTree(t, "syscall-tbl")
	os.Remove(filepath.Join(root, "arch/arm64/kernel/Makefile.syscalls"))
	os.Remove(filepath.Join(root, "arch/arm64/include/uapi/asm/unistd.h"))
	if _, err := BuildTargets(root, "testdata/overlay.txt", "overlay.txt", arm64); err == nil ||
		!strings.Contains(err.Error(), "arm64: has neither arch/arm64/kernel/Makefile.syscalls (Linux ≥ 6.11: scripts/syscall.tbl) nor arch/arm64/include/uapi/asm/unistd.h") {
		t.Errorf("no layout: %v", err)
	}

	root = fixtureTree(t, "syscall-tbl")
	os.WriteFile(filepath.Join(root, "arch/arm64/kernel/Makefile.syscalls"), []byte("ifdef CONFIG_X\nsyscall_abis_64 += time32\nendif\n"), 0o644)
	if _, err := BuildTargets(root, "testdata/overlay.txt", "overlay.txt", arm64); err == nil ||
		!strings.Contains(err.Error(), "arch/arm64/kernel/Makefile.syscalls:2: syscall_abis_64 is set under a Makefile conditional") {
		t.Errorf("conditional ABI: %v", err)
	}

	root = fixtureTree(t, "syscall-tbl")
	os.Remove(filepath.Join(root, "arch/arm64/tools/syscall_64.tbl"))
	if _, err := BuildTargets(root, "testdata/overlay.txt", "overlay.txt", arm64); err == nil ||
		!strings.Contains(err.Error(), "is missing 1 of the files the tables come from: arch/arm64/tools/syscall_64.tbl") {
		t.Errorf("missing syscalltbl: %v", err)
	}

	root = fixtureTree(t, "unistd-h")
	os.WriteFile(filepath.Join(root, "arch/arm64/include/uapi/asm/unistd.h"), []byte("#include <asm/unistd_64.h>\n"), 0o644)
	if _, err := BuildTargets(root, "testdata/overlay.txt", "overlay.txt", arm64); err == nil ||
		!strings.Contains(err.Error(), "arch/arm64/include/uapi/asm/unistd.h does not include asm-generic/unistd.h and there is no arch/arm64/kernel/Makefile.syscalls") {
		t.Errorf("half a layout: %v", err)
	}
}
