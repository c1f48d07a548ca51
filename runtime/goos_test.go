package runtime

import (
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"testing"
)

// TestOtherGOOS: building the package for another OS fails with a
// sentence about Linux as its first error.
func TestOtherGOOS(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles x/sys/unix for darwin")
	}
	cmd := exec.Command(filepath.Join(goruntime.GOROOT(), "bin", "go"), "build", "-o", "/dev/null", ".")
	cmd.Env = append(cmd.Environ(), "GOOS=darwin", "GOARCH=arm64", "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatal("the package builds for darwin")
	}
	lines := strings.Split(string(out), "\n")
	if len(lines) < 2 || !strings.Contains(lines[1], "syschain runs Linux system calls only: build with GOOS=linux") {
		t.Errorf("first error is not the sentence:\n%s", out)
	}
}
