//go:build linux && (amd64 || arm64)

package main

import (
	"os"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// kmemleak (the debug kernel, make kernel-test-debug): kmemleakStart
// clears what boot left behind, so the scan at the end reports only
// objects the test run leaked. On a kernel without kmemleak both are
// no-ops (the section says so).

const kmemleakFile = "/sys/kernel/debug/kmemleak"

func kmemleakAvailable() bool {
	if _, err := os.Stat(kmemleakFile); err == nil {
		return true
	}
	unix.Mount("debugfs", "/sys/kernel/debug", "debugfs", 0, "")
	_, err := os.Stat(kmemleakFile)
	return err == nil
}

// kmemleakStart: scan once and mark everything reported so far as seen.
func kmemleakStart() {
	if !kmemleakAvailable() {
		return
	}
	os.WriteFile(kmemleakFile, []byte("scan"), 0)
	os.WriteFile(kmemleakFile, []byte("clear"), 0)
}

// testKmemleak scans (twice, as kmemleak's documentation advises: an
// object is reported only once it has been unreferenced for a whole scan)
// and fails on any report.
func testKmemleak(s *section) {
	if !kmemleakAvailable() {
		// The debug image (syschain.debug=1) is built with kmemleak:
		// without it this section would pass while checking nothing.
		s.check(cmdlineParam("syschain.debug") != "1", "syschain.debug=1 but %s is missing: the debug kernel must have CONFIG_DEBUG_KMEMLEAK and debugfs", kmemleakFile)
		s.logf("NOT CHECKED: no kmemleak in this kernel (make kernel-test-debug has it)")
		return
	}
	// Objects freed by RCU or deferred work must get the chance to go.
	time.Sleep(2 * time.Second)
	for i := 0; i < 2; i++ {
		if err := os.WriteFile(kmemleakFile, []byte("scan"), 0); err != nil {
			s.errorf("kmemleak scan: %v", err)
			return
		}
	}
	b, err := os.ReadFile(kmemleakFile)
	if err != nil {
		s.errorf("read %s: %v", kmemleakFile, err)
		return
	}
	if n := strings.Count(string(b), "unreferenced object"); n > 0 {
		s.errorf("kmemleak reports %d leaked objects:\n%s", n, b)
		return
	}
	s.logf("kmemleak: no leaks after the run (two scans)")
}
