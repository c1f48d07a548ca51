//go:build linux && (amd64 || arm64)

package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
)

// testKselftest runs the kernel's own selftest for sys_chain
// (tools/testing/selftests/sys_chain, added by the patch series and built
// by build.sh as a static binary next to the image and packed by test.sh
// as /sys_chain_test when it is there), a kselftest_harness.h program that
// prints TAP and exits non-zero on any failure.
func testKselftest(s *section) {
	if _, err := os.Stat("/sys_chain_test"); err != nil {
		// The series adds the selftest, so build.sh always builds it: a
		// missing binary is a broken build, not a reason to skip.
		s.errorf("no /sys_chain_test in the initramfs: kernel/build.sh builds it from the series' tools/testing/selftests/sys_chain (%v)", err)
		return
	}
	cmd := exec.Command("/sys_chain_test")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if strings.HasPrefix(l, "ok ") || strings.HasPrefix(l, "not ok") || strings.HasPrefix(l, "# Totals") || strings.HasPrefix(l, "# FAIL") {
			s.logf("%s", l)
		}
	}
	if err != nil || !strings.Contains(out.String(), "# Totals: pass:") || strings.Contains(out.String(), "not ok") {
		s.errorf("kselftest sys_chain: %v\n%s", err, out.String())
	}
}
