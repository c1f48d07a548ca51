package main

import (
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"sort"
	"strings"
	"testing"
)

// qemuNames maps GOARCH to the qemu-user binary that runs it.
var qemuNames = map[string]string{
	"arm64":    "aarch64",
	"arm":      "arm",
	"386":      "i386",
	"riscv64":  "riscv64",
	"ppc64le":  "ppc64le",
	"ppc64":    "ppc64",
	"s390x":    "s390x",
	"mips64le": "mips64el",
	"mips64":   "mips64",
	"mipsle":   "mipsel",
	"mips":     "mips",
	"loong64":  "loongarch64",
	"amd64":    "x86_64",
}

// TestCrossArch builds this program for every Linux GOARCH gc supports and
// runs it: natively on the host's arch, under qemu-user-static elsewhere.
// The program checks real chains against Go's own answers (see main.go),
// so a wrong syscall number, register pair or slot order fails here.
func TestCrossArch(t *testing.T) {
	if goruntime.GOOS != "linux" {
		t.Skip("the chains are Linux syscalls")
	}
	gobin := filepath.Join(goruntime.GOROOT(), "bin", "go")
	dir := t.TempDir()
	// The host's arch runs natively; every other gc Linux arch (the keys of
	// qemuNames, amd64 included for a non-amd64 host) under qemu.
	arches := []string{goruntime.GOARCH}
	for a := range qemuNames {
		if a != goruntime.GOARCH {
			arches = append(arches, a)
		}
	}
	sort.Strings(arches[1:])
	var missing []string
	for _, arch := range arches {
		t.Run(arch, func(t *testing.T) {
			var runner []string
			if arch != goruntime.GOARCH {
				q := "qemu-" + qemuNames[arch] + "-static"
				path, err := exec.LookPath(q)
				if err != nil {
					missing = append(missing, arch)
					t.Skipf("NOT CHECKED: %s is not installed, so GOARCH=%s cannot run here; install qemu-user-static (make deps)", q, arch)
				}
				runner = []string{path}
			}
			bin := filepath.Join(dir, "crosscheck-"+arch)
			build := exec.Command(gobin, "build", "-o", bin, ".")
			build.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+arch, "CGO_ENABLED=0")
			if out, err := build.CombinedOutput(); err != nil {
				t.Fatalf("go build for %s: %v\n%s", arch, err, out)
			}
			cmd := exec.Command(bin)
			if runner != nil {
				cmd = exec.Command(runner[0], bin)
			}
			// qemu-user delivers the signals Go's asynchronous preemption
			// sends unreliably (qemu-i386 crashes with "morestack on
			// gsignal" even for hello world); the chains do not need it.
			cmd.Env = append(os.Environ(), "GODEBUG=asyncpreemptoff=1")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, out)
			}
			if !strings.Contains(string(out), "all checks passed on linux/"+arch) {
				t.Fatalf("unexpected output:\n%s", out)
			}
			t.Logf("%s", strings.TrimSpace(string(out)))
		})
	}
	if len(missing) > 0 {
		t.Logf("arches NOT checked for lack of qemu: %s", strings.Join(missing, ", "))
	}
}
