package tablegen

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/syschain/syschain/tables"
)

func TestEvalCond(t *testing.T) {
	env := &macroEnv{
		defs: map[string]string{"BITS_PER_LONG": "32", "CONFIG_X86_32": "1", "__ARCH_WANT_SYS_CLONE": "1", "TWO": "(1 + 1)"},
		known: func(n string) bool {
			return !strings.HasPrefix(n, "CONFIG_") || strings.HasPrefix(n, "CONFIG_X86") || strings.HasPrefix(n, "CONFIG_CLONE")
		},
	}
	tests := []struct {
		expr string
		want tri
	}{
		{"BITS_PER_LONG == 32", triTrue},
		{"BITS_PER_LONG == 64", triFalse},
		{"defined(CONFIG_X86_32)", triTrue},
		{"defined CONFIG_X86_64", triFalse},
		{"defined(CONFIG_EPOLL)", triUnknown},
		{"defined(CONFIG_EPOLL) && defined(CONFIG_X86_64)", triFalse}, // one false operand settles &&
		{"defined(CONFIG_EPOLL) || defined(CONFIG_X86_32)", triTrue},
		{"!defined(__ARCH_WANT_STAT64) || defined(__ARCH_WANT_SYS_CLONE)", triTrue},
		{"IS_ENABLED(CONFIG_CLONE_BACKWARDS)", triFalse},
		{"TWO * 2 == 4 && 0x10 > 15UL", triTrue},
		{"UNDEFINED_MACRO", triFalse},
		{"FOO(1) == 2", triUnknown},
		{"1 ? 2 : 0", triTrue},
	}
	for _, tt := range tests {
		got, err := env.evalCond(tt.expr)
		if err != nil || got != tt.want {
			t.Errorf("evalCond(%q) = %v, %v; want %v", tt.expr, got, err, tt.want)
		}
	}
	if _, err := env.evalCond("1 +"); err == nil {
		t.Error("evalCond(\"1 +\") did not fail")
	}
}

func TestComputeSlots(t *testing.T) {
	params := []tables.Param{{Name: "fd", Type: "int"}, {Name: "pos", Type: "loff_t"}, {Name: "n", Type: "size_t"}, {Name: "len", Type: "u64"}}
	name := func(t Target) string {
		s := tables.Syscall{Params: params, HasSig: true, Slots: computeSlots(t, params)}
		return strings.Join(s.SlotNames(), ",")
	}
	for _, tt := range []struct {
		t    Target
		want string
	}{
		{Target{Bits: 64}, "fd,pos,n,len"},
		{Target{Bits: 32}, "fd,pos_lo,pos_hi,n,len_lo,len_hi"},
		{Target{Bits: 32, PairAlign: true}, "fd,pad,pos_lo,pos_hi,n,pad,len_lo,len_hi"},
		{Target{Bits: 32, PairAlign: true, BigEndian: true}, "fd,pad,pos_hi,pos_lo,n,pad,len_hi,len_lo"},
	} {
		if got := name(tt.t); got != tt.want {
			t.Errorf("%+v: %s, want %s", tt.t, got, tt.want)
		}
	}
}

const sampleC = `/* a comment with SYSCALL_DEFINE1(fake, int, x) inside */
#ifdef CONFIG_CLONE_BACKWARDS
SYSCALL_DEFINE2(clone, unsigned long, flags,
		int __user *, tls)
#else
SYSCALL_DEFINE2(clone, int __user *, tls, unsigned long, flags) // swapped
#endif
#define X(a) SYSCALL_DEFINE0(in_a_macro)
SYSCALL32_DEFINE4(fanotify_mark, int, fd, SC_ARG64(mask), int, dfd)
SYSCALL_DEFINE2(64_munmap, unsigned long, addr, size_t, len)
COMPAT_SYSCALL_DEFINE1(compat_only, int, x)
save_static_function(sys_fork);
asmlinkage long sys_arm_fadvise64_64(int fd, int advice,
				     loff_t offset, loff_t len)
`

func TestScanFile(t *testing.T) {
	fs := scanFile("kernel/x.c", []byte(sampleC))
	if len(fs.warnings) > 0 {
		t.Fatalf("warnings: %v", fs.warnings)
	}
	type got struct{ sym, params, cond string }
	var defs []got
	for _, d := range fs.defs {
		var p []string
		for _, x := range d.Params {
			p = append(p, x.Type+" "+x.Name)
		}
		defs = append(defs, got{d.Sym, strings.Join(p, ", "), d.Cond})
	}
	want := []got{
		{"sys_clone", "unsigned long flags, int __user * tls", "(defined(CONFIG_CLONE_BACKWARDS))"},
		{"sys_clone", "int __user * tls, unsigned long flags", "!(defined(CONFIG_CLONE_BACKWARDS))"},
		{"sys_fanotify_mark", "int fd, SC_ARG64 mask, int dfd", "(BITS_PER_LONG == 32)"},
		{"sys_64_munmap", "unsigned long addr, size_t len", ""},
		{"sys_arm_fadvise64_64", "int fd, int advice, loff_t offset, loff_t len", ""},
	}
	if !reflect.DeepEqual(defs, want) {
		t.Errorf("defs:\n got %q\nwant %q", defs, want)
	}
	if len(fs.wrappers) != 1 || fs.wrappers[0].Sym != "__sys_fork" || fs.wrappers[0].Target != "sys_fork" {
		t.Errorf("wrappers = %+v", fs.wrappers)
	}
	if got := expandArg64(Target{BigEndian: true}, []tables.Param{{Name: "mask", Type: scArg64}}); got[0].Name != "mask_hi" || got[1].Name != "mask_lo" {
		t.Errorf("SC_ARG64 big-endian: %v", got)
	}
}

func TestOverlayErrors(t *testing.T) {
	tests := []struct{ row, want string }{
		{"new\t*\t6.5\t451\tcachestat\tsys_cachestat\tvoid", "ov.txt:3: 7 tab-separated columns, want 8"},
		{"add\t*\t6.5\t451\tx\tsys_x\tvoid\tsrc", `ov.txt:3: kind "add": want new or sig`},
		{"new\tvax\t6.5\t451\tx\tsys_x\tvoid\tsrc", `ov.txt:3: arches: unknown GOARCH "vax"`},
		{"new\t*\t6.5\tabc\tx\tsys_x\tvoid\tsrc", `ov.txt:3: kind new: nr "abc"`},
		{"new\t*\t-\t451\tx\tsys_x\tvoid\tsrc", `ov.txt:3: kind new: since: release "-": want MAJOR.MINOR (e.g. 6.13), the Linux release that added the call`},
		{"new\t*\tLinux 6.5\t451\tx\tsys_x\tvoid\tsrc", `ov.txt:3: kind new: since: release "Linux 6.5"`},
		{"sig\t*\t-\t12\tx\tsys_x\tvoid\tsrc", `ov.txt:3: kind sig: since and nr must be "-"`},
		{"sig\t*\t6.1\t-\tx\tsys_x\tvoid\tsrc", `ov.txt:3: kind sig: since and nr must be "-"`},
		{"new\t*\t6.5\t451\tx\tsys_x\tint\tsrc", `ov.txt:3: signature parameter 1: "int" is not TYPE NAME`},
		{"new\t*\t6.5\t451\tx\tsys_x\tvoid\t", "ov.txt:3: empty source column"},
		{"sig\t*\t-\t-\tx\tsys_x\t?\tsrc", "ov.txt:3: kind sig with signature \"?\" says nothing"},
	}
	for _, tt := range tests {
		_, err := parseOverlay("ov.txt", []byte("# header\n\n"+tt.row+"\n"))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want %q", tt.row, err, tt.want)
		}
	}
	rows, err := parseOverlay("ov.txt", []byte("new\tamd64,arm\t6.5\t451\tcachestat\tsys_cachestat\tunsigned int fd, unsigned int flags\tmm/filemap.c\n"))
	if err != nil || len(rows) != 1 || len(rows[0].Params) != 2 || rows[0].Where != "ov.txt:1" || rows[0].Since != (release{6, 5}) {
		t.Errorf("valid row: %+v, %v", rows, err)
	}
}

func TestParseRelease(t *testing.T) {
	for in, want := range map[string]release{"6.5": {6, 5}, "6.12.117": {6, 12}, "6.13-rc1": {6, 13}, "7.0": {7, 0}} {
		if got, err := parseRelease(in); err != nil || got != want {
			t.Errorf("parseRelease(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"6", "six.1", "6.x", ""} {
		if _, err := parseRelease(in); err == nil {
			t.Errorf("parseRelease(%q) succeeded", in)
		}
	}
	if !(release{6, 9}).less(release{6, 10}) || (release{6, 10}).less(release{6, 9}) || (release{7, 0}).less(release{6, 19}) {
		t.Error("release.less orders by number, not text")
	}
}

// The committed overlay parses.
func TestCommittedOverlay(t *testing.T) {
	if _, err := readOverlay("../../tables/overlay.txt", "overlay.txt"); err != nil {
		t.Fatal(err)
	}
}

func TestBadTree(t *testing.T) {
	if _, err := Build("/nonexistent/linux", "../../tables/overlay.txt", "overlay.txt"); err == nil || !strings.Contains(err.Error(), "/nonexistent/linux") {
		t.Errorf("missing tree: %v", err)
	}
	// A truncated tree: one error that names what is missing.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "Makefile"), []byte("VERSION = 6\n"), 0o644)
	os.MkdirAll(filepath.Join(dir, "arch/arm/tools"), 0o755)
	os.WriteFile(filepath.Join(dir, "arch/arm/tools/syscall.tbl"), nil, 0o644)
	_, err := Build(dir, "../../tables/overlay.txt", "overlay.txt")
	if err == nil {
		t.Fatal("Build on a truncated tree succeeded")
	}
	for _, want := range []string{"is missing", "arch/x86/entry/syscalls/syscall_64.tbl", "include/uapi/asm-generic/unistd.h", "extract-kernel.sh"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "arch/arm/tools/syscall.tbl") {
		t.Errorf("error names a file that is there: %v", err)
	}
}

// Write is all or nothing.
func TestWriteAllOrNothing(t *testing.T) {
	mk := func(goarch, source string) *tables.Arch {
		return &tables.Arch{GoArch: goarch, LinuxArch: goarch, Bits: 64, Syscalls: []tables.Syscall{
			{Nr: 0, Name: "read", Entry: "sys_read", HasSig: true, Params: []tables.Param{}, Source: source}}}
	}
	dir := t.TempDir()
	// A table that cannot be rendered: nothing is written.
	res := &Result{Arches: []*tables.Arch{mk("amd64", "k.c"), mk("arm64", "")}, Headers: map[string][]string{}}
	if _, err := res.Write(dir); err == nil {
		t.Fatal("Write of a bad table succeeded")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("a failed Write left %d files", len(ents))
	}
	// A target that is a directory: refused before anything is renamed.
	os.Mkdir(filepath.Join(dir, "linux_arm64.tbl"), 0o755)
	res.Arches[1] = mk("arm64", "k.c")
	if _, err := res.Write(dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("Write over a directory: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "linux_amd64.tbl")); err == nil {
		t.Error("a failed Write replaced linux_amd64.tbl")
	}
	os.Remove(filepath.Join(dir, "linux_arm64.tbl"))
	changed, err := res.Write(dir)
	if err != nil || len(changed) != 2 {
		t.Fatalf("Write: %v, %v", changed, err)
	}
	if changed, _ := res.Write(dir); len(changed) != 0 {
		t.Errorf("rewriting the same tables changed %v", changed)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 2 {
		t.Errorf("%d entries after Write, want 2 (temporary files left?)", len(ents))
	}
}

// The extraction script extracts what the generator reads.
func TestExtractScriptPaths(t *testing.T) {
	data, err := os.ReadFile("../../tables/extract-kernel.sh")
	if err != nil {
		t.Fatal(err)
	}
	words := map[string]bool{}
	for _, w := range strings.Fields(string(data)) {
		words[w] = true
	}
	for _, p := range SourcePaths() {
		if !words[p] {
			t.Errorf("tables/extract-kernel.sh does not extract %s", p)
		}
	}
}

// kernelTree finds an extracted tree: $SYSCHAIN_KERNEL_TREE, or where
// `make tables` extracts it.
func kernelTree(t testing.TB) string {
	dir := os.Getenv("SYSCHAIN_KERNEL_TREE")
	if dir == "" {
		home, _ := os.UserHomeDir()
		dir = filepath.Join(home, ".cache/syschain/linux-source-6.12")
	}
	if _, err := os.Stat(filepath.Join(dir, "Makefile")); err != nil {
		t.Skipf("SKIPPED: no kernel tree at %s (run `make tables` or tables/extract-kernel.sh DIR and set SYSCHAIN_KERNEL_TREE)", dir)
	}
	return dir
}

// Regenerating from the tree reproduces the committed tables byte for
// byte (what `make tables-check` checks through git).
func TestBuildReproducesCommitted(t *testing.T) {
	root := kernelTree(t)
	res, err := Build(root, "../../tables/overlay.txt", "overlay.txt")
	if err != nil {
		t.Fatal(err)
	}
	files, err := res.Render()
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 15 {
		t.Errorf("%d tables, want 15", len(files))
	}
	for name, data := range files {
		old, err := os.ReadFile(filepath.Join("../../tables", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(old, data) {
			t.Errorf("tables/%s differs from a regeneration from %s: run `make tables` and commit", name, root)
		}
	}
}

// Overlay rows that do not fit the tree fail, naming the row.
func TestOverlayAgainstTree(t *testing.T) {
	root := kernelTree(t)
	tests := []struct{ row, want string }{
		{"new\tamd64\t6.5\t0\tnewread\tsys_newread\tvoid\tsrc", "ov.txt:2: the row says newread is number 0 on amd64, but the tree's number 0 is read (arch/x86/entry/syscalls/syscall_64.tbl:"},
		{"sig\tamd64\t-\t-\tno_such_call\tsys_x\tvoid\tsrc", "ov.txt:2: no_such_call matches no row"},
		{"sig\tamd64\t-\t-\tread\tsys_write\tvoid\tsrc", `ov.txt:2: amd64 read has entry "sys_read" in the tree, the row says "sys_write"`},
		{"sig\tamd64\t-\t-\tread\tsys_read\t=sys_nonexistent\tsrc", "ov.txt:2: =sys_nonexistent: the tree has no signature"},
		{"new\tamd64\t99.0\t999\tfuture\tsys_future\tvoid\tsrc", ""}, // newer than the tree: applied
	}
	for _, tt := range tests {
		ov := filepath.Join(t.TempDir(), "ov.txt")
		os.WriteFile(ov, []byte("# test\n"+tt.row+"\n"), 0o644)
		_, err := BuildTargets(root, ov, "ov.txt", onlyTargets(t, "amd64"))
		if tt.want == "" {
			if err != nil {
				t.Errorf("%q: %v", tt.row, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v, want %q", tt.row, err, tt.want)
		}
	}
}

func onlyTargets(t testing.TB, goarches ...string) []Target {
	var out []Target
	for _, g := range goarches {
		tg, ok := TargetFor(g)
		if !ok {
			t.Fatalf("no target %s", g)
		}
		out = append(out, tg)
	}
	return out
}

func BenchmarkBuild(b *testing.B) {
	root := kernelTree(b)
	for b.Loop() {
		if _, err := Build(root, "../../tables/overlay.txt", "overlay.txt"); err != nil {
			b.Fatal(err)
		}
	}
}

// The compatibility check on the real trees (make tables-compat runs the
// same through the command line): tables regenerated from Linux 6.1 agree
// with the committed ones, up to tables/compat-6.1.txt.
func TestCompat61(t *testing.T) {
	dir := os.Getenv("SYSCHAIN_KERNEL_TREE_6_1")
	if dir == "" {
		home, _ := os.UserHomeDir()
		dir = filepath.Join(home, ".cache/syschain/linux-source-6.1")
	}
	if _, err := os.Stat(filepath.Join(dir, "Makefile")); err != nil {
		t.Skipf("SKIPPED: no Linux 6.1 tree at %s (run `make tables-compat`, or set SYSCHAIN_KERNEL_TREE_6_1)", dir)
	}
	old, err := Build(dir, "../../tables/overlay.txt", "overlay.txt")
	if err != nil {
		t.Fatal(err)
	}
	var current []*tables.Arch
	for _, g := range tables.GoArches() {
		a, err := tables.Load(g)
		if err != nil {
			t.Fatal(err)
		}
		current = append(current, a)
	}
	expect, err := ReadCompatExpect("../../tables/compat-6.1.txt")
	if err != nil {
		t.Fatal(err)
	}
	res := CheckCompat(old.Arches, current, expect)
	for _, e := range res.Errors {
		t.Error(e)
	}
	if len(res.Arches) != 15 {
		t.Errorf("compared %d arches, want 15", len(res.Arches))
	}
	for _, g := range res.Arches {
		if res.Compared[g] < 300 {
			t.Errorf("%s: only %d calls compared", g, res.Compared[g])
		}
	}
}
