//go:build linux && amd64

package main

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"github.com/syschain/syschain/runtime"
)

// What the tests need to know about x86_64 that arm64 does differently.

// archDenied: the deny-list entries x86_64 has beyond the ones every arch
// has (fork and vfork do not exist in the asm-generic table).
var archDenied = []uintptr{unix.SYS_FORK, unix.SYS_VFORK}

// stopNr is the syscall number of a tracee in a syscall or seccomp stop
// (orig_rax).
func stopNr(pid int) uint64 {
	var regs unix.PtraceRegs
	if err := unix.PtraceGetRegs(pid, &regs); err != nil {
		return ^uint64(0)
	}
	return regs.Orig_rax
}

// auditArch is what a seccomp filter sees in seccomp_data.arch.
const auditArch = unix.AUDIT_ARCH_X86_64

// archName names the arch in messages.
const archName = "x86_64"

// openStep adds the seed chain's first step, opening path: open(2), as the seed's chain does.
func openStep(c *runtime.Chain, path string, flags int) *runtime.Chain {
	return c.Syscall(unix.SYS_OPEN, path, flags, 0)
}

// exitVM ends the VM with code through QEMU's isa-debug-exit device (port
// 0xf4, written via /dev/port; QEMU exits with code<<1|1). It returns only
// if the port is missing.
func exitVM(code byte) {
	f, err := os.OpenFile("/dev/port", os.O_WRONLY, 0)
	if err != nil {
		fmt.Printf("guest: /dev/port: %v\n", err)
		return
	}
	f.WriteAt([]byte{code}, 0xf4)
	f.Close()
}

// archSkip names the sections that cannot run on this arch, and why: none
// on x86_64.
var archSkip map[string]string
