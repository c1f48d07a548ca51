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
