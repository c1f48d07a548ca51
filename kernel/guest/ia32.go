//go:build linux && amd64

package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"

	"golang.org/x/sys/unix"
)

// int80 makes a syscall through the ia32 int 0x80 gate (int80_amd64.s).
func int80(nr, a1, a2, a3 uintptr) uintptr

// testIA32: sys_chain is 64-bit only. Number 500 through the ia32 gate
// (int 0x80 from this process, and a 32-bit process, /ia32, whose
// syscalls all take the compat table) is ENOSYS, and nothing runs.
func testIA32(s *section) {
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_NONBLOCK|unix.O_CLOEXEC); err != nil {
		s.errorf("pipe2: %v", err)
		return
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])
	// The 64-bit words of a chain that would write to the pipe: int 0x80
	// passes only their low 32 bits, which must not matter.
	w := enc(step{nr: unix.SYS_WRITE, args: []uintptr{uintptr(p[1]), 0, 0}})
	var res [2]uintptr
	r := int32(int80(sysChain, uintptr(len(w)), uintptr(unsafePtr(w)), uintptr(unsafePtr(res[:]))))
	s.check(r == -int32(unix.ENOSYS), "int 0x80 with eax 500: %d, want -ENOSYS (-38)", r)
	// Sanity: the gate works at all (ia32 getpid is 20).
	pid := int32(int80(20, 0, 0, 0))
	s.check(pid == int32(os.Getpid()), "int 0x80 getpid: %d, want %d (is IA32_EMULATION on?)", pid, os.Getpid())
	n, _ := unix.Read(p[0], make([]byte, 8))
	s.check(n <= 0, "something ran: the pipe holds %d bytes", n)

	cmd := exec.Command("/ia32")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	s.check(err == nil && strings.Contains(out.String(), "500 -> ENOSYS"), "32-bit process: %v: %s", err, bytes.TrimSpace(out.Bytes()))
	if len(s.fails) == 0 {
		s.logf("int 0x80 from a 64-bit task and a 32-bit process: syscall 500 is ENOSYS")
	}
}
