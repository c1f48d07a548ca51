package main

import (
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"testing"
)

// TestCat runs the example as a user would and compares its output.
func TestCat(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if err := os.WriteFile(a, []byte("first file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(b, []byte("second\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(filepath.Join(goruntime.GOROOT(), "bin", "go"), "run", ".", a, b).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if string(out) != "first file\nsecond\n" {
		t.Errorf("cat printed %q", out)
	}
	out, err = exec.Command(filepath.Join(goruntime.GOROOT(), "bin", "go"), "run", ".", filepath.Join(dir, "missing")).CombinedOutput()
	if err == nil {
		t.Errorf("cat of a missing file succeeded: %s", out)
	}
}
