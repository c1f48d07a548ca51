package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"testing"
	"time"
)

// repoRoot is the checkout this test runs in.
func repoRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("no go.mod at %s", root)
	}
	return root
}

// generateLine returns the syschain-gen arguments of the //go:generate line
// in dir and the package name.
func generateLine(t testing.TB, dir string) (args []string, pkg string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasPrefix(e.Name(), "zchain_") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(line, "package ") {
				pkg = strings.TrimSpace(strings.TrimPrefix(line, "package "))
			}
			if strings.HasPrefix(line, "//go:generate ") && strings.Contains(line, "syschain-gen") {
				f := strings.Fields(line)
				for i, w := range f {
					if strings.HasSuffix(w, "syschain-gen") {
						args = f[i+1:]
					}
				}
			}
		}
		if args != nil {
			return args, pkg
		}
	}
	t.Fatalf("no //go:generate syschain-gen line in %s", dir)
	return nil, ""
}

// TestUpToDate regenerates, in memory, every directory that has a
// syschain-gen go:generate line and compares with the files on disk: the
// committed output must be what the generator makes from the committed
// tables (CI's `make generate-check` checks the same through git).
func TestUpToDate(t *testing.T) {
	root := repoRoot(t)
	for _, rel := range []string{"generated", "examples/client", "examples/crosscheck"} {
		t.Run(rel, func(t *testing.T) {
			dir := filepath.Join(root, rel)
			args, pkg := generateLine(t, dir)
			t.Setenv("GOPACKAGE", pkg)
			j, err := prepare(io.Discard, io.Discard, args, dir)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]bool{}
			for _, f := range j.files {
				want[f.Name] = true
				disk, err := os.ReadFile(filepath.Join(dir, f.Name))
				if err != nil {
					t.Errorf("%s: %v (run make generate)", rel, err)
					continue
				}
				if !bytes.Equal(disk, f.Data) {
					t.Errorf("%s/%s is stale: run make generate and commit", rel, f.Name)
				}
			}
			old, _ := filepath.Glob(filepath.Join(dir, "zchain_linux*.go"))
			for _, p := range old {
				if !want[filepath.Base(p)] {
					t.Errorf("%s is no longer generated: run make generate", p)
				}
			}
		})
	}
}

// TestErrors: every failure is one line that says what to do, and leaves
// the output directory as it was.
func TestErrors(t *testing.T) {
	root := repoRoot(t)
	client := filepath.Join(root, "examples", "client")

	broken := t.TempDir()
	writeFile(t, filepath.Join(broken, "go.mod"), "module example.com/broken\n\ngo 1.26.0\n\nrequire golang.org/x/sys v0.50.0\n")
	writeFile(t, filepath.Join(broken, "go.sum"), readFile(t, filepath.Join(root, "go.sum")))
	writeFile(t, filepath.Join(broken, "a.go"), "package broken\n\nfunc f( {\n")

	clash := t.TempDir()
	writeFile(t, filepath.Join(clash, "go.mod"), "module example.com/clash\n\ngo 1.26.0\n\nrequire golang.org/x/sys v0.50.0\n")
	writeFile(t, filepath.Join(clash, "go.sum"), readFile(t, filepath.Join(root, "go.sum")))
	writeFile(t, filepath.Join(clash, "a.go"), "package clash\n\nimport _ \"golang.org/x/sys/unix\"\n\n// New clashes with the generated New.\nfunc New() {}\n")

	unwritable := t.TempDir()
	writeFile(t, filepath.Join(unwritable, "go.mod"), "module example.com/unwritable\n\ngo 1.26.0\n\nrequire golang.org/x/sys v0.50.0\n")
	writeFile(t, filepath.Join(unwritable, "go.sum"), readFile(t, filepath.Join(root, "go.sum")))
	writeFile(t, filepath.Join(unwritable, "a.go"), "package unwritable\n\nimport _ \"golang.org/x/sys/unix\"\n")
	// A directory where an output file must go: the rename fails (root
	// ignores permission bits, so a read-only directory would not).
	if err := os.Mkdir(filepath.Join(unwritable, "zchain_linux_amd64.go"), 0o755); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name string
		dir  string
		args []string
		want string
	}{
		{"bad flag", client, []string{"-syscals", "read"}, "flag provided but not defined: -syscals (syschain-gen -h shows the flags)"},
		{"no syscalls", client, []string{"-pkg", "main"}, "no syscalls chosen: pass -syscalls a,b,c (or -all for every syscall)"},
		{"typo", client, []string{"-syscalls", "opne", "-arch", "amd64"}, `unknown syscall "opne" for linux/amd64; did you mean open?`},
		{"typo elsewhere", client, []string{"-syscalls", "opne", "-arch", "arm64"}, `unknown syscall "opne" for linux/arm64; did you mean open? It exists on 386, amd64,`},
		{"typo close", client, []string{"-syscalls", "raed", "-arch", "arm64"}, `unknown syscall "raed" for linux/arm64; did you mean read?`},
		{"other arch", client, []string{"-syscalls", "alarm", "-arch", "amd64,arm64"}, `syscall "alarm" does not exist on linux/arm64 (it does on amd64): drop it from -syscalls or limit -arch`},
		{"denied", client, []string{"-syscalls", "read,execve"}, `syscall "execve" is on the runtime's deny list (runtime.DenyNames): a chain never runs it, so it has no builder method; drop it from -syscalls`},
		{"unknown arch", client, []string{"-syscalls", "read", "-arch", "amd65"}, `tables: no table for GOARCH "amd65"`},
		{"no out dir", client, []string{"-syscalls", "read", "-out", "nonexistent"}, "-out nonexistent: not a directory (create it first)"},
		{"wrong pkg", client, []string{"-syscalls", "read", "-pkg", "other"}, "-pkg other but the Go files in . are package main: pass -pkg main"},
		{"broken client", broken, []string{"-syscalls", "read"}, "a.go:3:9: expected ')', found '{' (fix it, then run go generate again)"},
		{"clash", clash, []string{"-syscalls", "read"}, "the package already declares New (a.go:6), which the generated code declares too"},
		{"unwritable", unwritable, []string{"-syscalls", "read", "-arch", "amd64"}, "zchain_linux_amd64.go: it exists and is not a regular file; remove it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GOPACKAGE", "")
			before := listDir(t, tc.dir)
			var stderr bytes.Buffer
			j, err := prepare(io.Discard, &stderr, tc.args, tc.dir)
			if err == nil {
				err = writeJob(j)
			}
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) {
				t.Errorf("error %q\nwant it to contain %q", msg, tc.want)
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("error is more than one line: %q", msg)
			}
			if after := listDir(t, tc.dir); after != before {
				t.Errorf("the failed run changed %s:\nbefore %s\nafter  %s", tc.dir, before, after)
			}
		})
	}
}

func writeJob(j *job) error {
	if j == nil {
		return nil
	}
	return writeFiles(j)
}

func listDir(t *testing.T, dir string) string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range ents {
		info, _ := e.Info()
		b.WriteString(e.Name() + ":" + info.ModTime().String() + " ")
	}
	return b.String()
}

func writeFile(t testing.TB, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t testing.TB, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestHelp: -h is the manual and is not an error message.
func TestHelp(t *testing.T) {
	var stderr bytes.Buffer
	_, err := prepare(io.Discard, &stderr, []string{"-h"}, "")
	if err == nil || !strings.Contains(err.Error(), "help requested") {
		t.Fatalf("err = %v, want flag.ErrHelp", err)
	}
	for _, want := range []string{"//go:generate go tool syschain-gen -syscalls", "go get -tool github.com/syschain/syschain/cmd/syschain-gen", "-syscalls names", "runtime.Ret(i)", "$GOPACKAGE"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("manual lacks %q", want)
		}
	}
}

// goEnv is the environment for go commands run by the end-to-end test: the
// machine's module proxy settings, as a client's would be. It must not be
// offline: `go mod tidy` in the client also resolves the test dependencies
// of syschain's dependencies (x/tools' go-cmp), which a fresh module cache
// does not hold.
func goEnv(extra ...string) []string {
	env := append(os.Environ(), "GOFLAGS=-mod=mod -buildvcs=false", "CGO_ENABLED=0")
	return append(env, extra...)
}

func runCmd(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestClientModule is the client story end to end: a new module that
// requires syschain (replaced by this checkout) and uses syschain-gen as a
// go tool, `go generate`, a build for every GOARCH gc supports on Linux,
// and a run on this machine.
func TestClientModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module for every GOARCH")
	}
	root := repoRoot(t)
	gobin := filepath.Join(goruntime.GOROOT(), "bin", "go")
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "go.mod"), `module example.com/client

go 1.26.0

require github.com/syschain/syschain v0.0.0

replace github.com/syschain/syschain => `+root+`

tool github.com/syschain/syschain/cmd/syschain-gen
`)
	writeFile(t, filepath.Join(dir, "go.sum"), readFile(t, filepath.Join(root, "go.sum")))
	writeFile(t, filepath.Join(dir, "main.go"), `package main

//go:generate go tool syschain-gen -syscalls openat,read,close,pread64,getpid

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"github.com/syschain/syschain/runtime"
)

func main() {
	buf := make([]byte, 64)
	c := New()
	c.Openat(unix.AT_FDCWD, os.Args[1], unix.O_RDONLY, 0).
		Pread64(runtime.Ret(0), buf, len(buf), 6).
		Close(runtime.Ret(0)).
		Getpid()
	res, err := c.Run()
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Printf("%s|%v\n", buf[:res.Ret(1)], res.Ret(3) == int64(os.Getpid()))
}
`)
	env := goEnv()
	runCmd(t, dir, env, gobin, "mod", "tidy")
	start := time.Now()
	runCmd(t, dir, env, gobin, "generate", "./...")
	t.Logf("first go generate: %v", time.Since(start))
	start = time.Now()
	runCmd(t, dir, env, gobin, "generate", "./...")
	t.Logf("warm go generate: %v", time.Since(start))
	if _, err := os.Stat(filepath.Join(dir, "zchain_linux_arm64.go")); err != nil {
		t.Fatalf("go generate wrote no arm64 file: %v", err)
	}

	arches := strings.Fields(runCmd(t, dir, env, gobin, "tool", "dist", "list"))
	n := 0
	for _, p := range arches {
		goos, goarch, _ := strings.Cut(p, "/")
		if goos != "linux" {
			continue
		}
		n++
		runCmd(t, dir, goEnv("GOOS=linux", "GOARCH="+goarch), gobin, "build", "-o", os.DevNull, ".")
	}
	if n < 13 {
		t.Fatalf("built for only %d linux arches", n)
	}
	// The compile-time checks: a file pinned to another runtime version, or
	// with a number x/sys disagrees with, must not build, and must say why.
	amd64 := filepath.Join(dir, "zchain_linux_amd64.go")
	good := readFile(t, amd64)
	for _, tc := range []struct{ from, to, want string }{
		{"runtime.GenVersion - 1)", "runtime.GenVersion - 2)", "EnforceGenVersion"},
		{"x[unix.SYS_READ-0]", "x[unix.SYS_READ-1]", "invalid argument: index"},
	} {
		if !strings.Contains(good, tc.from) {
			t.Fatalf("generated file lacks %q", tc.from)
		}
		writeFile(t, amd64, strings.Replace(good, tc.from, tc.to, 1))
		cmd := exec.Command(gobin, "build", "-o", os.DevNull, ".")
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), tc.want) {
			t.Errorf("with %s: build err %v, output:\n%s\nwant it to fail with %q", tc.to, err, out, tc.want)
		}
	}
	writeFile(t, amd64, good)

	data := filepath.Join(dir, "data.txt")
	writeFile(t, data, "hello syschain client\n")
	runCmd(t, dir, env, gobin, "build", "-o", filepath.Join(dir, "client"), ".")
	if out := runCmd(t, dir, env, filepath.Join(dir, "client"), data); out != "syschain client\n|true\n" {
		t.Errorf("client printed %q", out)
	}
}

// BenchmarkGenerateAll: generated/ for every arch, in memory (go list of
// the package and x/sys, tables, model, rendering, gofmt).
func BenchmarkGenerateAll(b *testing.B) {
	dir := filepath.Join(repoRoot(b), "generated")
	b.Setenv("GOPACKAGE", "generated")
	for b.Loop() {
		if _, err := prepare(io.Discard, io.Discard, []string{"-all", "-out", "."}, dir); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGenerateClient: a client's go:generate run, minus starting the
// binary: four syscalls for every arch, with the client package loaded.
func BenchmarkGenerateClient(b *testing.B) {
	dir := filepath.Join(repoRoot(b), "examples", "client")
	b.Setenv("GOPACKAGE", "main")
	for b.Loop() {
		if _, err := prepare(io.Discard, io.Discard, []string{"-syscalls", "openat,read,write,close"}, dir); err != nil {
			b.Fatal(err)
		}
	}
}

// TestReportFlag: -report prints one coverage line per arch and writes nothing.
func TestReportFlag(t *testing.T) {
	var stdout bytes.Buffer
	j, err := prepare(&stdout, io.Discard, []string{"-report", "-arch", "amd64,arm"}, filepath.Join(repoRoot(t), "generated"))
	if err != nil || j != nil {
		t.Fatalf("prepare = %v, %v; want nothing to write and no error", j, err)
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[1], "amd64 ") || !strings.HasPrefix(lines[2], "arm ") || !strings.Contains(lines[1], "%") {
		t.Errorf("report:\n%s", stdout.String())
	}
}
