package diskusage

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/syschain/syschain/runtime"
)

// The tests compare every method with the installed GNU du, byte for
// byte (stdout, stderr and exit status), on generated trees.

// gnuDu runs GNU du in the C locale; cred, if set, runs it as that user.
func gnuDu(t *testing.T, dir string, cred *syscall.Credential, args ...string) (stdout, stderr string, ok bool) {
	t.Helper()
	cmd := exec.Command("du", args...)
	cmd.Dir = dir
	cmd.Env = []string{"LC_ALL=C", "PATH=" + os.Getenv("PATH")}
	if cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if _, isExit := err.(*exec.ExitError); err != nil && !isExit {
		t.Fatalf("du: %v", err)
	}
	return o.String(), e.String(), err == nil
}

type method struct {
	name string
	opt  Options
}

// methods returns the methods to check: chains on interp, on the default
// backend (the kernel one in the test VM) and on uring where io_uring
// works, and the direct loop.
func methods(t *testing.T) []method {
	ms := []method{
		{"interp", Options{Method: Chains, Backend: runtime.Interp{}}},
		{"default", Options{Method: Chains}},
		{"direct", Options{Method: Direct}},
	}
	if b, err := runtime.BackendByName("uring"); err == nil {
		ms = append(ms, method{"uring", Options{Method: Chains, Backend: b}})
	} else {
		t.Logf("no uring backend here: %v", err)
	}
	return ms
}

// runWalker runs a walk in dir (the operands are relative to it).
func runWalker(t *testing.T, dir string, opt Options, args []string) (stdout, stderr string, ok bool) {
	t.Helper()
	w, err := NewWalker(opt)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	var o, e bytes.Buffer
	ok, err = w.Run(args, &o, &e)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return o.String(), e.String(), ok
}

// flagsOf splits GNU du arguments into Options and operands.
func flagsOf(opt Options, args []string) (Options, []string) {
	var ops []string
	for _, a := range args {
		switch a {
		case "-s":
			opt.Summarize = true
		case "-b":
			opt.Apparent = true
		default:
			ops = append(ops, a)
		}
	}
	return opt, ops
}

// oddNames are names with every kind of byte GNU du's output and quoting
// must get right.
var oddNames = []string{
	"new\nline", "tab\there", "quote'd", "dq\"x", "sp ace", "-dash", "\xff\xfe", "\x01ctl",
	"é", "back\\slash", "$dollar", "a'\n", "'", "trail\n",
}

// makeTree builds a tree with nested and empty directories, files of
// various sizes, sparse files, hard links across directories (the walk
// order decides which one counts), symlinks to files, directories and
// nothing, odd names, a directory with more entries than one chain has
// steps and more than one 64 KiB getdents64 buffer holds.
func makeTree(t *testing.T, root string) {
	t.Helper()
	rng := rand.New(rand.NewSource(13))
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	write := func(p string, n int) {
		must(os.WriteFile(p, bytes.Repeat([]byte{'x'}, n), 0o644))
	}
	var dirs []string
	for i := 0; i < 12; i++ {
		d := filepath.Join(root, fmt.Sprintf("d%02d", i))
		if i > 0 && i%3 != 0 {
			d = filepath.Join(dirs[rng.Intn(len(dirs))], fmt.Sprintf("s%02d", i))
		}
		must(os.MkdirAll(d, 0o755))
		dirs = append(dirs, d)
		for j := 0; j < 5+rng.Intn(10); j++ {
			write(filepath.Join(d, fmt.Sprintf("f%d", j)), rng.Intn(20000))
		}
	}
	must(os.Mkdir(filepath.Join(root, "empty"), 0o755))
	for i, n := range oddNames {
		d := dirs[i%len(dirs)]
		write(filepath.Join(d, n), i*1000)
		must(os.Mkdir(filepath.Join(d, "dir-"+n), 0o755))
		write(filepath.Join(d, "dir-"+n, "f"), 100)
	}
	// Sparse files: a large apparent size on few blocks.
	for i, d := range dirs[:4] {
		f, err := os.Create(filepath.Join(d, "sparse"))
		must(err)
		must(f.Truncate(int64(i+1) << 24))
		f.WriteAt([]byte("end"), int64(i+1)<<23)
		f.Close()
	}
	// Hard links: one inode under several names in different directories.
	for i := 0; i < 8; i++ {
		src := filepath.Join(dirs[rng.Intn(len(dirs))], fmt.Sprintf("f%d", 0))
		must(os.Link(src, filepath.Join(dirs[rng.Intn(len(dirs))], fmt.Sprintf("hl%d", i))))
	}
	// Symlinks: to a file, a directory (not followed), nowhere.
	must(os.Symlink("f0", filepath.Join(dirs[0], "ln-file")))
	must(os.Symlink("..", filepath.Join(dirs[1], "ln-dir")))
	must(os.Symlink("/nonexistent/"+strings.Repeat("x", 300), filepath.Join(dirs[2], "ln-none")))
	// A big directory: 1,200 entries with long names, several buffers
	// and several chains; a few subdirectories in it.
	big := filepath.Join(root, "big")
	must(os.Mkdir(big, 0o755))
	for i := 0; i < 1200; i++ {
		name := fmt.Sprintf("%04d-%s", i, strings.Repeat("n", 150+rng.Intn(90)))
		if i%300 == 7 {
			must(os.Mkdir(filepath.Join(big, name), 0o755))
			continue
		}
		write(filepath.Join(big, name), rng.Intn(3000))
	}
}

var duArgs = [][]string{
	{"t"}, {"-s", "t"}, {"-s", "-b", "t"}, {"-b", "t"},
	{"t/"}, {"-s", "t//"}, {"t/d00", "t"}, {"-s", "t", "t/d00", "t"},
	{"t/d00/f0"}, {"t/d01/ln-dir"}, {"nonexistent"}, {"t/big"},
}

func TestMatchesGNU(t *testing.T) {
	if _, err := exec.LookPath("du"); err != nil {
		t.Skip("no GNU du installed")
	}
	for _, dir := range testDirs(t) {
		matchGNU(t, dir)
	}
}

// testDirs returns a temporary directory, and one on tmpfs (/dev/shm)
// where there is one: there the chains are NoBlock (memFS).
func testDirs(t *testing.T) []string {
	dirs := []string{t.TempDir()}
	var fs unix.Statfs_t
	if unix.Statfs("/dev/shm", &fs) == nil && fs.Type == unix.TMPFS_MAGIC {
		d, err := os.MkdirTemp("/dev/shm", "du-test-")
		if err == nil {
			t.Cleanup(func() { os.RemoveAll(d) })
			dirs = append(dirs, d)
		}
	} else {
		t.Log("no tmpfs at /dev/shm: NoBlock chains not tested")
	}
	return dirs
}

func matchGNU(t *testing.T, dir string) {
	makeTree(t, filepath.Join(dir, "t"))
	for _, args := range duArgs {
		want, wantErr, wantOK := gnuDu(t, dir, nil, args...)
		for _, m := range methods(t) {
			opt, ops := flagsOf(m.opt, args)
			got, gotErr, gotOK := runWalker(t, dir, opt, ops)
			if got != want || gotErr != wantErr || gotOK != wantOK {
				t.Errorf("du %q, %s: differs from GNU du\n%s", args, m.name, diffText(want+wantErr, got+gotErr))
			}
		}
		// WalkDir visits in lexical order: only totals match.
		if args[0] == "-s" {
			opt, ops := flagsOf(Options{Method: WalkDir}, args)
			got, gotErr, gotOK := runWalker(t, dir, opt, ops)
			if got != want || gotErr != wantErr || gotOK != wantOK {
				t.Errorf("du %q, walkdir: differs from GNU du\n%s", args, diffText(want+wantErr, got+gotErr))
			}
		}
	}
}

// diffText shows the first differing line of two outputs.
func diffText(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d: GNU %q, ours %q (%d vs %d lines)", i+1, w, g, len(wl), len(gl))
		}
	}
	return "same lines"
}

// TestInodeOrder: in a directory of more than 10,000 entries (not on
// tmpfs), fts and so du visit entries in inode order.
func TestInodeOrder(t *testing.T) {
	if testing.Short() {
		t.Skip("creates 10,050 files")
	}
	if _, err := exec.LookPath("du"); err != nil {
		t.Skip("no GNU du installed")
	}
	dir := t.TempDir()
	var fs unix.Statfs_t
	if unix.Statfs(dir, &fs) == nil && fs.Type == unix.TMPFS_MAGIC {
		t.Logf("%s is tmpfs: entries stay in getdents order there", dir)
	}
	big := filepath.Join(dir, "big")
	os.Mkdir(big, 0o755)
	rng := rand.New(rand.NewSource(5))
	for i := 0; i < inodeSortThreshold+50; i++ {
		p := filepath.Join(big, fmt.Sprintf("e%x", rng.Int63()))
		if i%200 == 0 {
			if err := os.Mkdir(p, 0o755); err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(p, "f"), make([]byte, i), 0o644)
			continue
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, wantErr, wantOK := gnuDu(t, dir, nil, "big")
	for _, m := range methods(t) {
		got, gotErr, gotOK := runWalker(t, dir, m.opt, []string{"big"})
		if got != want || gotErr != wantErr || gotOK != wantOK {
			t.Errorf("%s: differs from GNU du\n%s", m.name, diffText(want+wantErr, got+gotErr))
		}
	}
}

// TestUnreadable runs GNU du and this package as an unprivileged user on
// a tree with directories that user cannot read (no r: cannot read
// directory) or search (no x: cannot access its entries), with odd
// names. As root every directory is readable, so the test drops to uid
// 65534 in a child process: the test binary itself, re-executed.
func TestUnreadable(t *testing.T) {
	if os.Getenv("DU_TEST_CHILD") != "" {
		t.Skip("child")
	}
	if os.Getuid() != 0 {
		t.Skip("needs root to run a child as another user (and as non-root, the tests above already see unreadable directories as GNU du does)")
	}
	dir := t.TempDir()
	for d := dir; d != "/"; d = filepath.Dir(d) {
		if st, err := os.Stat(d); err == nil && st.Mode().Perm()&0o005 != 0o005 {
			os.Chmod(d, st.Mode().Perm()|0o755)
		}
	}
	tree := filepath.Join(dir, "t")
	makeTree(t, tree)
	for i, n := range append([]string{"noread", "nosearch"}, oddNames[:6]...) {
		d := filepath.Join(tree, "u-"+n)
		os.MkdirAll(filepath.Join(d, "sub"), 0o755)
		os.WriteFile(filepath.Join(d, "file"), []byte("data"), 0o644)
		mode := os.FileMode(0o311) // no read
		if i%2 == 1 {
			mode = 0o644 // no search
		}
		if err := os.Chmod(d, mode); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(dir, "du.test")
	self, _ := os.Executable()
	data, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	nobody := &syscall.Credential{Uid: 65534, Gid: 65534}
	for _, args := range [][]string{{"t"}, {"-s", "t"}, {"-s", "-b", "t"}} {
		want, wantErr, wantOK := gnuDu(t, dir, nobody, args...)
		if wantOK || !strings.Contains(wantErr, "cannot read directory") || !strings.Contains(wantErr, "cannot access") {
			t.Fatalf("GNU du as uid 65534 did not fail as expected: %q", wantErr)
		}
		for _, m := range []string{"interp", "default", "direct", "uring"} {
			cmd := exec.Command(bin, "-test.run=^TestChild$")
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "DU_TEST_CHILD="+m+"\x1f"+strings.Join(args, "\x1f"))
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: nobody}
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("child %s %q: %v\n%s", m, args, err, out)
			}
			parts := strings.SplitN(string(out), "\x00", 4)
			if len(parts) < 3 {
				t.Fatalf("child %s %q: %q", m, args, out)
			}
			if parts[0] == "skip" {
				t.Logf("%s: %s", m, parts[1])
				continue
			}
			got, gotErr, gotOK := parts[0], parts[1], parts[2] == "ok"
			if got != want || gotErr != wantErr || gotOK != wantOK {
				t.Errorf("du %q as uid 65534, %s: differs from GNU du\n%s", args, m, diffText(want+wantErr, got+gotErr))
			}
		}
	}
}

// TestChild is TestUnreadable's child: it runs one walk and prints
// stdout, stderr and the verdict separated by NULs.
func TestChild(t *testing.T) {
	spec := os.Getenv("DU_TEST_CHILD")
	if spec == "" {
		t.Skip("run by TestUnreadable")
	}
	f := strings.Split(spec, "\x1f")
	var opt Options
	switch f[0] {
	case "interp":
		opt = Options{Method: Chains, Backend: runtime.Interp{}}
	case "default":
		opt = Options{Method: Chains}
	case "direct":
		opt = Options{Method: Direct}
	case "uring":
		b, err := runtime.BackendByName("uring")
		if err != nil {
			fmt.Printf("skip\x00%v\x00\x00", err)
			return
		}
		opt = Options{Method: Chains, Backend: b}
	}
	opt, ops := flagsOf(opt, f[1:])
	w, err := NewWalker(opt)
	if err != nil {
		t.Fatal(err)
	}
	var o, e bytes.Buffer
	ok, err := w.Run(ops, &o, &e)
	if err != nil {
		t.Fatal(err)
	}
	verdict := "fail"
	if ok {
		verdict = "ok"
	}
	os.Stdout.WriteString(o.String() + "\x00" + e.String() + "\x00" + verdict + "\x00")
	os.Stdout.Sync()
	os.Exit(0)
}
