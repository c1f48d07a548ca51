//go:build linux && (amd64 || arm64)

// Command guest is /init of the sys_chain test VM (kernel/test.sh boots it).
//
// It runs, in one boot: the kernel ABI tests (validation, every way a chain
// ends, signals, bad pointers), the differential tests (the runtime's
// chains on the kernel backend and on interp must give identical results),
// the seccomp and ptrace tests, the hardening checks of issue 8 (signal
// masks, races with other threads and fatal signals, tracepoints, the ia32
// gate, syscall audit, the kernel's own selftest, kmemleak on the debug
// image), the hostile-input run, and the comparison table. It prints "VERDICT: PASS" or "VERDICT: FAIL" and reports the
// verdict to QEMU (exitVM: 0 pass, 1 fail).
//
// Some tests need a process of their own (a seccomp filter cannot be
// removed, a ptraced child, hostile chains that must not touch the
// console): /init re-executes itself with a mode argument for those.
package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// section is one named group of checks.
type section struct {
	name  string
	fails []string
	notes []string
}

func (s *section) errorf(format string, a ...any) {
	s.fails = append(s.fails, fmt.Sprintf(format, a...))
}

func (s *section) logf(format string, a ...any) {
	s.notes = append(s.notes, fmt.Sprintf(format, a...))
}

func (s *section) check(ok bool, format string, a ...any) {
	if !ok {
		s.errorf(format, a...)
	}
}

// childTimeout bounds every child process; sectionTimeout every section.
// The sanitizer kernel (syschain.debug=1 on the command line, from
// make kernel-test-debug; debugKernel) runs everything several times
// slower. Set by runAll once /proc is mounted (a package init runs before
// that and would read nothing).
var (
	childTimeout   = 120 * time.Second
	sectionTimeout = 200 * time.Second
	debugKernel    bool
)

// selfCmd runs this program in a child mode, killed after childTimeout.
func selfCmd(args ...string) *exec.Cmd {
	ctx, cancel := context.WithTimeout(context.Background(), childTimeout)
	cmd := exec.CommandContext(ctx, "/proc/self/exe", args...)
	cmd.Cancel = func() error {
		cancel()
		return cmd.Process.Kill()
	}
	return cmd
}

var children = map[string]func() int{
	"seccomp-child": seccompChild,
	"ptrace-child":  ptraceChild,
	"hostile-child": hostileChild,
	"leak-child":    leakChildMain,
	"races-child":   racesChild,
	"audit-child":   auditChild,
}

func main() {
	if len(os.Args) > 1 {
		if f, ok := children[os.Args[1]]; ok {
			os.Exit(f())
		}
		fmt.Fprintf(os.Stderr, "guest: unknown mode %q\n", os.Args[1])
		os.Exit(2)
	}
	if os.Getpid() != 1 {
		fmt.Fprintln(os.Stderr, "guest: run me as /init of the test VM (kernel/test.sh)")
		os.Exit(2)
	}
	ok := runAll()
	verdict(ok)
}

func runAll() bool {
	start := time.Now()
	// /proc for /proc/thread-self/status (the kernel backend's seccomp
	// check); the root is the initramfs, writable, with /tmp.
	if err := unix.Mount("proc", "/proc", "proc", 0, ""); err != nil {
		fmt.Printf("guest: mount /proc: %v\n", err)
	}
	if err := unix.Mount("sysfs", "/sys", "sysfs", 0, ""); err != nil {
		fmt.Printf("guest: mount /sys: %v\n", err)
	}
	if cmdlineParam("syschain.debug") == "1" {
		debugKernel = true
		childTimeout *= 6
		sectionTimeout *= 6
	}
	var uts unix.Utsname
	unix.Uname(&uts)
	fmt.Printf("guest: %s %s, Go %s, accelerator %s\n", cstr(uts.Sysname[:]), cstr(uts.Release[:]), runtime.Version(), accel())
	kmemleakStart()

	sections := []struct {
		name string
		f    func(*section)
	}{
		{"probe", testProbe},
		{"abi", testABI},
		{"signals", testSignals},
		{"go-signals", testGoSignals},
		{"sigmask", testSigmask},
		{"pointers", testPointers},
		{"differential", testDifferential},
		{"conformance", testConformance},
		{"seccomp", testSeccomp},
		{"leak", testLeak},
		{"races", testRaces},
		{"ptrace", testPtrace},
		{"tracepoints", testTracepoints},
		{"ia32", testIA32},
		{"kselftest", testKselftest},
		{"hostile", testHostile},
		{"bench", testBench},
		{"du", testDu},
		{"audit", testAudit}, // last: audit stays on for tasks forked later
		{"kmemleak", testKmemleak},
		{"kernel-log", testKernelLog},
	}
	only := cmdlineParam("syschain.only")
	ok := true
	for _, sec := range sections {
		if only != "" && sec.name != "probe" && !slices.Contains(strings.Split(only, ","), sec.name) {
			continue
		}
		if why, ok := archSkip[sec.name]; ok {
			fmt.Printf("SKIP: %s: %s\n", sec.name, why)
			continue
		}
		s := &section{name: sec.name}
		t0 := time.Now()
		// A hung section fails the run instead of waiting for test.sh's
		// QEMU timeout.
		watchdog := time.AfterFunc(sectionTimeout, func() {
			fmt.Printf("FAIL: %s: no result after %v\n", sec.name, sectionTimeout)
			verdict(false)
		})
		func() {
			defer func() {
				if r := recover(); r != nil {
					s.errorf("panic: %v", r)
				}
			}()
			sec.f(s)
		}()
		watchdog.Stop()
		for _, n := range s.notes {
			fmt.Printf("  %s\n", n)
		}
		for _, f := range s.fails {
			fmt.Printf("  FAIL: %s\n", f)
		}
		res := "PASS"
		if len(s.fails) > 0 {
			res, ok = "FAIL", false
		}
		fmt.Printf("%s: %s (%.1fs)\n", res, sec.name, time.Since(t0).Seconds())
		if sec.name == "probe" && len(s.fails) > 0 {
			fmt.Println("guest: sys_chain is missing: skipping the rest")
			break
		}
	}
	fmt.Printf("guest: done in %.1fs\n", time.Since(start).Seconds())
	return ok
}

// cmdlineParam returns the value of name=value on the kernel command line.
func cmdlineParam(name string) string {
	b, _ := os.ReadFile("/proc/cmdline")
	for _, f := range strings.Fields(string(b)) {
		if v, ok := strings.CutPrefix(f, name+"="); ok {
			return v
		}
	}
	return ""
}

// accel returns the accelerator test.sh booted us with (kernel command line).
func accel() string {
	switch v := cmdlineParam("syschain.accel"); v {
	case "":
		return "unknown"
	case "tcg":
		return "TCG (emulated)"
	default:
		return strings.ToUpper(v)
	}
}

func cstr(b []byte) string {
	if i := strings.IndexByte(string(b), 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// verdict prints the verdict and ends the VM with it (exitVM: QEMU's
// isa-debug-exit on x86_64, semihosting on arm64); if that fails, it
// powers off (test.sh then reports no verdict).
func verdict(ok bool) {
	code := byte(0)
	if ok {
		fmt.Println("VERDICT: PASS")
	} else {
		fmt.Println("VERDICT: FAIL")
		code = 1
	}
	os.Stdout.Sync()
	exitVM(code)
	unix.Sync()
	unix.Reboot(unix.LINUX_REBOOT_CMD_POWER_OFF)
	unix.Reboot(unix.LINUX_REBOOT_CMD_RESTART)
	select {}
}

// testKernelLog reads the kernel log and fails on any BUG, WARNING, Oops
// or Call Trace (test.sh checks the console too).
func testKernelLog(s *section) {
	buf := make([]byte, 1<<20)
	n, err := unix.Klogctl(unix.SYSLOG_ACTION_READ_ALL, buf)
	if err != nil {
		s.errorf("syslog(READ_ALL): %v", err)
		return
	}
	for _, l := range strings.Split(string(buf[:n]), "\n") {
		for _, bad := range []string{"BUG:", "WARNING:", "Oops", "Call Trace", "general protection",
			"UBSAN", "possible circular locking", "possible recursive locking",
			"inconsistent lock state", "suspicious RCU usage", "sleeping function called", "suspected memory leak"} {
			if strings.Contains(l, bad) {
				s.errorf("kernel log: %s", l)
			}
		}
	}
	s.logf("kernel log clean (%d bytes checked)", n)
}
