package generated

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"testing"

	"github.com/syschain/syschain/runtime"
)

// TestDeniedDoNotCompile: a chain with a syscall the runtime refuses does
// not compile, because the generated Chain has no method for it. The
// calls are added to this package through a build overlay and compiled
// for a 64-bit and a 32-bit arch; getpid, in the same file, is the control
// that does compile.
func TestDeniedDoNotCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the package twice")
	}
	var calls []string
	for _, n := range runtime.DenyNames {
		calls = append(calls, "\t_ = New()."+camel(n)+"\n")
	}
	src := "package generated\n\nfunc _() {\n\t_ = New().Getpid()\n" + strings.Join(calls, "") + "}\n"
	dir := t.TempDir()
	file := filepath.Join(dir, "denied.go")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs("zz_denied_overlay.go")
	overlay, _ := json.Marshal(map[string]map[string]string{"Replace": {abs: file}})
	ov := filepath.Join(dir, "overlay.json")
	if err := os.WriteFile(ov, overlay, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, arch := range []string{"amd64", "386"} {
		cmd := exec.Command(filepath.Join(goruntime.GOROOT(), "bin", "go"), "build", "-overlay", ov, "-gcflags=-e", ".")
		cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+arch, "CGO_ENABLED=0")
		out, err := cmd.CombinedOutput()
		if err == nil {
			t.Fatalf("linux/%s: a chain with denied syscalls compiles", arch)
		}
		if strings.Contains(string(out), "Getpid") {
			t.Errorf("linux/%s: the control New().Getpid() failed to compile:\n%s", arch, out)
		}
		n := 0
		for _, name := range runtime.DenyNames {
			if strings.Contains(string(out), fmt.Sprintf("has no field or method %s", camel(name))) {
				n++
			}
		}
		if n != len(runtime.DenyNames) {
			t.Errorf("linux/%s: %d of %d denied calls failed as undefined methods:\n%s", arch, n, len(runtime.DenyNames), out)
		}
	}
}

// camel is the method name a syscall would have (gen's rule).
func camel(s string) string {
	var b strings.Builder
	for _, part := range strings.Split(s, "_") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}
