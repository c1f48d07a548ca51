package main

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
	"golang.org/x/tools/txtar"

	"github.com/syschain/syschain/runtime"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ with the current output")

// Addresses of Go memory change run to run; the golden files hold them
// as ADDR.
var (
	wordAddr  = regexp.MustCompile(`&0x[0-9a-f]+`)
	traceAddr = regexp.MustCompile(`\b0x[0-9a-f]{6,}\b`)
)

// runCapture runs the command as main would, returning what it wrote to
// stdout and stderr (the error report included).
func runCapture(args ...string) (stdout, stderr string, err error) {
	var out, errOut bytes.Buffer
	err = run(&out, &errOut, args)
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		reportError(&errOut, err)
	}
	return out.String(), errOut.String(), err
}

// TestGolden runs each testdata/*.txtar case: its comment holds the
// arguments, one per line, and its "chain" file the chain, passed as the
// last argument. The "stdout" and "stderr" files are the expected output;
// go test -update rewrites them. Only -words and dry runs (-n) are golden:
// they execute nothing, so their output is the same everywhere.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden cases in testdata: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var args []string
			for _, l := range strings.Split(strings.TrimSpace(string(ar.Comment)), "\n") {
				if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
					args = append(args, l)
				}
			}
			var chain []byte
			for _, f := range ar.Files {
				if f.Name == "chain" {
					chain = f.Data
				}
			}
			if chain == nil {
				t.Fatal("no chain file")
			}
			if !contains(args, "-n") && !contains(args, "-words") && !contains(args, "dryrun") {
				t.Fatal("a golden case must not execute syscalls: use -n or -words")
			}
			stdout, stderr, _ := runCapture(append(append([]string{"run"}, args...), strings.TrimSuffix(string(chain), "\n"))...)
			stdout = wordAddr.ReplaceAllString(stdout, "&ADDR")
			stderr = traceAddr.ReplaceAllString(stderr, "ADDR")
			want := map[string]string{"stdout": stdout, "stderr": stderr}
			if *update {
				files := []txtar.File{{Name: "chain", Data: chain}}
				for _, name := range []string{"stdout", "stderr"} {
					if want[name] != "" {
						files = append(files, txtar.File{Name: name, Data: []byte(want[name])})
					}
				}
				ar.Files = files
				writeAtomic(t, file, txtar.Format(ar))
				return
			}
			got := map[string]string{}
			for _, f := range ar.Files {
				got[f.Name] = string(f.Data)
			}
			for _, name := range []string{"stdout", "stderr"} {
				if got[name] != want[name] {
					t.Errorf("%s differs (go test -update rewrites it)\n--- got:\n%s--- want:\n%s", name, want[name], got[name])
				}
			}
		})
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func writeAtomic(t *testing.T, path string, data []byte) {
	t.Helper()
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// TestRunInterp runs real chains on the interpreter: read a file of known
// content and write it to a pipe.
func TestRunInterp(t *testing.T) {
	const content = "hello from a chain\n"
	path := filepath.Join(t.TempDir(), "input.txt")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	chain := `openat(AT_FDCWD, "` + path + `", O_RDONLY|O_CLOEXEC, 0)
read($0, buf[64], 64) if == 0 goto 3
write(` + strconv.Itoa(int(w.Fd())) + `, buf, $1)
close($0)`
	_, stderr, err := runCapture("run", "-backend", "interp", chain)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, stderr)
	}
	got := make([]byte, 64)
	n, err := r.Read(got)
	if err != nil || string(got[:n]) != content {
		t.Fatalf("the pipe got %q, %v; want %q", got[:n], err, content)
	}
	// The trace has every step with its real result.
	for _, want := range []string{
		`openat(AT_FDCWD, "` + path + `", O_RDONLY|O_CLOEXEC, 0) = `,
		"= 19 # when == 0 goto 3: false\nwrite(" + strconv.Itoa(int(w.Fd())) + ", 0x",
		", $1) = 19\nclose($0) = 0\n",
		"# backend: interp\n",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("trace lacks %q:\n%s", want, stderr)
		}
	}
}

// TestRunFails checks a failing step: the trace shows what ran, the
// error is the runtime's *StepError with the errno.
func TestRunFails(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing")
	_, stderr, err := runCapture("run", `openat(AT_FDCWD, "`+missing+`", O_RDONLY, 0); close($0)`)
	var se *runtime.StepError
	if !errors.As(err, &se) || se.Step != 0 || !errors.Is(err, unix.ENOENT) {
		t.Fatalf("err = %v, want a *StepError for step 0 with ENOENT", err)
	}
	for _, want := range []string{"= -1 ENOENT (No such file or directory)\n", "close($0) = ? (not run)\n", "Error: syschain: step 0 (openat): no such file or directory\n"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

// TestRunFile reads the chain from a file with -f; errors name the file.
func TestRunFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.sc")
	bad := filepath.Join(dir, "bad.sc")
	os.WriteFile(good, []byte("# a chain in a file\ngetpid()\ngetppid() noblock\n"), 0o644)
	os.WriteFile(bad, []byte("getpid()\n  getppdi()\n"), 0o644)
	_, stderr, err := runCapture("run", "-f", good)
	if err != nil || !strings.Contains(stderr, "getppid() = ") {
		t.Errorf("run -f good: %v\n%s", err, stderr)
	}
	_, stderr, err = runCapture("run", "-f", bad)
	want := "Error: " + bad + ":2:3: unknown syscall \"getppdi\" on linux/"
	if err == nil || !strings.HasPrefix(stderr, want) || !strings.HasSuffix(stderr, "\t  getppdi()\n\t  ^\n") {
		t.Errorf("run -f bad: %v\nstderr:\n%s\nwant prefix %q and a caret under column 3", err, stderr, want)
	}
}

// TestUsageErrors checks the command-line mistakes.
func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "no command"},
		{[]string{"frob"}, `unknown command "frob"`},
		{[]string{"run"}, "no chain"},
		{[]string{"run", "getpid()", "getppid()"}, "the chain must be one argument"},
		{[]string{"run", "-f", "x", "getpid()"}, "either with -f or as an argument"},
		{[]string{"run", "-f", "/nonexistent/chain"}, "no such file"},
		{[]string{"run", "-results", "1", "getpid()"}, "add -n"},
		{[]string{"run", "-n", "-results", "1,x", "getpid()"}, `item 1, "x", is not an integer`},
		{[]string{"run", "-n", "-backend", "interp", "getpid()"}, "drop -backend interp"},
		{[]string{"run", "-backend", "nosuch", "getpid()"}, `no backend "nosuch"`},
		{[]string{"run", "-bogus", "getpid()"}, "flag provided but not defined"},
		{[]string{"consts", "NO_SUCH_PREFIX"}, "no constant starts with"},
		{[]string{"syscalls", "no_such"}, "no syscall of linux/"},
	} {
		_, _, err := runCapture(tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want %q", tc.args, err, tc.want)
		}
	}
}

func TestListings(t *testing.T) {
	out, _, err := runCapture("consts", "O_RDONLY")
	if err != nil || !strings.HasPrefix(out, "O_RDONLY  0  0x0\n") {
		t.Errorf("consts O_RDONLY = %q, %v", out, err)
	}
	out, _, err = runCapture("syscalls", "openat")
	if err != nil || !strings.Contains(out, "openat(int dfd, const char __user *filename, int flags, umode_t mode)") {
		t.Errorf("syscalls openat = %q, %v", out, err)
	}
	out, _, err = runCapture("-h")
	if err != nil || !strings.Contains(out, "syschain run [flags] 'CHAIN'") {
		t.Errorf("-h = %q, %v", out, err)
	}
}

// TestMain lets the tests run the command as a process (for the exit
// status and standard input): with SYSCHAIN_TEST_MAIN=1 the test binary
// is syschain.
func TestMain(m *testing.M) {
	if os.Getenv("SYSCHAIN_TEST_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func command(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "SYSCHAIN_TEST_MAIN=1")
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return out.String(), errOut.String(), code
}

// TestProcess runs the command as a process: the demo chain from stdin,
// and exit status 1 with "Error:" when a step fails.
func TestProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	os.WriteFile(path, []byte("known content\n"), 0o644)
	stdout, stderr, code := command(t, `openat(AT_FDCWD, "`+path+`", O_RDONLY, 0); read($0, buf[4096], 4096); write(1, buf, $1); close($0)`, "run", "-f", "-")
	if code != 0 || stdout != "known content\n" || !strings.Contains(stderr, "close($0) = 0\n") {
		t.Errorf("demo from stdin: exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
	if stdout, stderr, code := command(t, "", "run", "-h"); code != 0 || stdout != "" || !strings.Contains(stderr, "-words") {
		t.Errorf("run -h: exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
	_, stderr, code = command(t, "", "run", `close(-1)`)
	if code != 1 || !strings.Contains(stderr, "close(-1) = -1 EBADF (Bad file descriptor)\n") || !strings.Contains(stderr, "Error: syschain: step 0 (close): bad file descriptor\n") {
		t.Errorf("failing step: exit %d, stderr:\n%s", code, stderr)
	}
}
