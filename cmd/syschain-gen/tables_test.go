package main

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestList(t *testing.T) {
	var out, errb bytes.Buffer
	if err := runList(&out, &errb, []string{"-arch", "arm"}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out.String(), "\n")
	want := map[string]bool{
		"180\tpread64\t6\tunsigned int fd, char __user *buf, size_t count, loff_t pos": false,
		"0\trestart_syscall\t0\tvoid": false,
	}
	for _, l := range lines {
		if _, ok := want[l]; ok {
			want[l] = true
		}
		if l != "" && strings.Count(l, "\t") != 3 {
			t.Errorf("line %q: want 4 tab-separated fields", l)
		}
	}
	for l, seen := range want {
		if !seen {
			t.Errorf("list -arch arm lacks %q", l)
		}
	}
	if err := runList(&out, &errb, []string{"-arch", "vax"}); err == nil || !strings.Contains(err.Error(), "amd64") {
		t.Errorf("list -arch vax: %v", err)
	}
	if err := runList(&out, &errb, nil); err == nil || !strings.Contains(err.Error(), "-arch is required") {
		t.Errorf("list without -arch: %v", err)
	}
	if err := runList(&out, &errb, []string{"-h"}); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("list -h: %v", err)
	}
}

func TestTablesErrors(t *testing.T) {
	var out, errb bytes.Buffer
	if err := runTables(&out, &errb, nil); err == nil || !strings.Contains(err.Error(), "-kernel is required") {
		t.Errorf("tables without -kernel: %v", err)
	}
	if err := runTables(&out, &errb, []string{"-kernel", "/nonexistent/linux", "-out", t.TempDir()}); err == nil || !strings.Contains(err.Error(), "/nonexistent/linux") {
		t.Errorf("tables -kernel /nonexistent/linux: %v", err)
	}
	if err := runTables(&out, &errb, []string{"-kernel", t.TempDir(), "extra"}); err == nil || !strings.Contains(err.Error(), `unexpected argument "extra"`) {
		t.Errorf("tables with an argument: %v", err)
	}
	if err := runTables(&out, &errb, []string{"-kernel", t.TempDir(), "-out", t.TempDir()}); err == nil || !strings.Contains(err.Error(), "is missing") {
		t.Errorf("tables on an empty tree: %v", err)
	}
	if err := runTables(&out, &errb, []string{"-kernel", t.TempDir(), "-out", "/nonexistent/out"}); err == nil || !strings.Contains(err.Error(), "-out /nonexistent/out: not a directory") {
		t.Errorf("tables -out /nonexistent/out: %v", err)
	}
}

// -report names the calls without a signature and why; -n writes nothing.
func TestTablesReport(t *testing.T) {
	home, _ := os.UserHomeDir()
	tree := filepath.Join(home, ".cache/syschain/linux-source-6.12")
	if d := os.Getenv("SYSCHAIN_KERNEL_TREE"); d != "" {
		tree = d
	}
	if _, err := os.Stat(filepath.Join(tree, "Makefile")); err != nil {
		t.Skipf("SKIPPED: no kernel tree at %s (run `make tables`)", tree)
	}
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	err := runTables(&stdout, &stderr, []string{"-kernel", tree, "-out", out, "-overlay", "../../tables/overlay.txt", "-report", "-n"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"GOARCH", "amd64", "mips: no signature:", "4000 syscall (sys_syscall): assembly entry point"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, stdout.String())
		}
	}
	if ents, _ := os.ReadDir(out); len(ents) != 0 {
		t.Errorf("-n wrote %d files", len(ents))
	}
}

// copyTables copies the committed tables into a temporary directory.
func copyTables(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	names, _ := filepath.Glob("../../tables/linux_*.tbl")
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(n)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// editTable replaces old with new in dir's table of goarch.
func editTable(t *testing.T, dir, goarch, old, new string) {
	t.Helper()
	p := filepath.Join(dir, "linux_"+goarch+".tbl")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s has no %q", p, old)
	}
	os.WriteFile(p, []byte(strings.Replace(string(data), old, new, 1)), 0o644)
}

// tables-compat: the calls the older tables lack are listed, expected
// kernel changes pass, anything else fails showing both sides.
func TestTablesCompat(t *testing.T) {
	expect := filepath.Join(t.TempDir(), "expect.txt")
	os.WriteFile(expect, []byte("# none\n"), 0o644)
	old := copyTables(t)
	// Older tables without mseal: a call they lack.
	editTable(t, old, "amd64", "462\tmseal\tsys_mseal\t=\tunsigned long start, size_t len, unsigned long flags\tmm/mseal.c\n", "")
	var stdout, stderr bytes.Buffer
	if err := runTablesCompat(&stdout, &stderr, []string{"-old", old, "-new", "../../tables", "-expect", expect}); err != nil {
		t.Fatalf("%v\n%s", err, stdout.String())
	}
	if !strings.Contains(stdout.String(), " calls agree; 1 the older tables lack; 0 expected kernel change(s)\n  lacks: 462 mseal\narm: ") {
		t.Errorf("output:\n%s", stdout.String())
	}
	// A changed signature fails, unless expected.
	editTable(t, old, "amd64", "0\tread\tsys_read\t=\tunsigned int fd,", "0\tread\tsys_read\t=\tint fd,")
	err := runTablesCompat(&stdout, &stderr, []string{"-old", old, "-new", "../../tables", "-expect", expect})
	if err == nil || !strings.Contains(err.Error(), "amd64: ~ 0 read: changed\n\t\twas read sys_read(int fd, char __user *buf, size_t count)") {
		t.Errorf("changed read: %v", err)
	}
	os.WriteFile(expect, []byte("amd64\tread\tchanged\ta test\n"), 0o644)
	if err := runTablesCompat(&stdout, &stderr, []string{"-old", old, "-new", "../../tables", "-expect", expect}); err != nil {
		t.Errorf("expected change: %v", err)
	}
	if err := runTablesCompat(&stdout, &stderr, []string{"-old", t.TempDir(), "-expect", expect}); err == nil || !strings.Contains(err.Error(), "no linux_<goarch>.tbl files") {
		t.Errorf("empty -old: %v", err)
	}
}

// -diff prints what a tree would change and writes nothing.
func TestTablesDiff(t *testing.T) {
	home, _ := os.UserHomeDir()
	tree := filepath.Join(home, ".cache/syschain/linux-source-6.12")
	if d := os.Getenv("SYSCHAIN_KERNEL_TREE"); d != "" {
		tree = d
	}
	if _, err := os.Stat(filepath.Join(tree, "Makefile")); err != nil {
		t.Skipf("SKIPPED: no kernel tree at %s (run `make tables`)", tree)
	}
	out := copyTables(t)
	editTable(t, out, "amd64", "0\tread\tsys_read\t=\tunsigned int fd,", "0\tread\tsys_read\t=\tint fd,")
	os.Remove(filepath.Join(out, "linux_arm.tbl"))
	before, _ := os.ReadFile(filepath.Join(out, "linux_amd64.tbl"))
	var stdout, stderr bytes.Buffer
	if err := runTables(&stdout, &stderr, []string{"-kernel", tree, "-out", out, "-overlay", "../../tables/overlay.txt", "-diff"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"amd64: 1 row(s) differ\n  ~ 0 read: changed\n  \twas read sys_read(int fd, char __user *buf, size_t count) slots fd,buf,count\n  \tnow read sys_read(unsigned int fd,", "arm: new table ("} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("-diff output lacks %q:\n%s", want, stdout.String())
		}
	}
	after, _ := os.ReadFile(filepath.Join(out, "linux_amd64.tbl"))
	if _, err := os.Stat(filepath.Join(out, "linux_arm.tbl")); err == nil || !bytes.Equal(before, after) {
		t.Error("-diff wrote tables")
	}
	stdout.Reset()
	if err := runTables(&stdout, &stderr, []string{"-kernel", tree, "-out", "../../tables", "-diff"}); err != nil || !strings.Contains(stdout.String(), "no row differs from ../../tables") {
		t.Errorf("-diff against the committed tables: %v\n%s", err, stdout.String())
	}
}

// -fail-superseded (make tables-check) fails while the overlay holds a row
// the tree has; -report lists such rows.
func TestTablesFailSuperseded(t *testing.T) {
	home, _ := os.UserHomeDir()
	tree := filepath.Join(home, ".cache/syschain/linux-source-6.12")
	if d := os.Getenv("SYSCHAIN_KERNEL_TREE"); d != "" {
		tree = d
	}
	if _, err := os.Stat(filepath.Join(tree, "Makefile")); err != nil {
		t.Skipf("SKIPPED: no kernel tree at %s (run `make tables`)", tree)
	}
	data, err := os.ReadFile("../../tables/overlay.txt")
	if err != nil {
		t.Fatal(err)
	}
	ov := filepath.Join(t.TempDir(), "overlay.txt")
	row := "new\t*\t6.10\t462\tmseal\tsys_mseal\tunsigned long start, size_t len, unsigned long flags\tmm/mseal.c\n"
	os.WriteFile(ov, append(data, row...), 0o644)
	var stdout, stderr bytes.Buffer
	err = runTables(&stdout, &stderr, []string{"-kernel", tree, "-out", t.TempDir(), "-overlay", ov, "-n", "-fail-superseded"})
	if err == nil || !strings.Contains(err.Error(), "supersedes 1 row(s)") || !strings.Contains(err.Error(), "mseal (Linux 6.10) is in the tree on 386,amd64,") {
		t.Errorf("-fail-superseded: %v", err)
	}
	if err := runTables(&stdout, &stderr, []string{"-kernel", tree, "-out", t.TempDir(), "-overlay", ov, "-n", "-report"}); err != nil || !strings.Contains(stdout.String(), "overlay rows Linux 6.12") || !strings.Contains(stdout.String(), "mseal (Linux 6.10)") {
		t.Errorf("-report: %v\n%s", err, stdout.String())
	}
}
