//go:build linux && (amd64 || arm64)

package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"

	"github.com/syschain/syschain/runtime"
	"golang.org/x/sys/unix"
)

// testAudit: a task whose syscalls are audited (SYSCALL_WORK_SYSCALL_AUDIT,
// which every task forked after audit is enabled gets) has its chains
// refused with EOPNOTSUPP, like a ptraced one, and Run falls back to
// interp. Enabling audit cannot be undone for tasks forked later (the
// kernel remembers audit_ever_enabled), so this section runs last.
func testAudit(s *section) {
	if err := auditEnable(1); err != nil {
		s.errorf("enable audit (netlink AUDIT_SET): %v (the guest kernel needs CONFIG_AUDITSYSCALL)", err)
		return
	}
	out, err := child("audit-child")
	s.logf("%s", bytes.TrimSpace(out))
	if err != nil {
		s.errorf("audit child: %v", err)
	}
	auditEnable(0)
}

// auditEnable sends AUDIT_SET with the enabled field over NETLINK_AUDIT
// and waits for the kernel's acknowledgement.
func auditEnable(on uint32) error {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_AUDIT)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	const auditSet = 1001
	status := make([]byte, 11*4)                 // struct audit_status: mask, enabled, ...
	binary.NativeEndian.PutUint32(status[0:], 1) // AUDIT_STATUS_ENABLED
	binary.NativeEndian.PutUint32(status[4:], on)
	msg := make([]byte, unix.NLMSG_HDRLEN+len(status))
	binary.NativeEndian.PutUint32(msg[0:], uint32(len(msg)))
	binary.NativeEndian.PutUint16(msg[4:], auditSet)
	binary.NativeEndian.PutUint16(msg[6:], unix.NLM_F_REQUEST|unix.NLM_F_ACK)
	binary.NativeEndian.PutUint32(msg[8:], 1)
	copy(msg[unix.NLMSG_HDRLEN:], status)
	if err := unix.Sendto(fd, msg, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return err
	}
	buf := make([]byte, 4096)
	n, _, err := unix.Recvfrom(fd, buf, 0)
	if err != nil {
		return err
	}
	if n >= unix.NLMSG_HDRLEN+4 && binary.NativeEndian.Uint16(buf[4:]) == unix.NLMSG_ERROR {
		if e := int32(binary.NativeEndian.Uint32(buf[unix.NLMSG_HDRLEN:])); e != 0 {
			return unix.Errno(-e)
		}
	}
	return nil
}

// auditChild runs in a task forked with audit enabled.
func auditChild() int {
	st, _, e := run(enc(step{nr: unix.SYS_GETPPID}), 1)
	if e != unix.EOPNOTSUPP {
		fmt.Printf("FAIL: an audited task's chain gave status %#x errno %v, want EOPNOTSUPP\n", st, e)
		return 1
	}
	var c runtime.Chain
	c.Syscall(unix.SYS_GETPPID).Syscall(unix.SYS_GETPID)
	if _, err := c.RunOn(runtime.Kernel{}); !errors.Is(err, runtime.ErrTraced) {
		fmt.Printf("FAIL: audited, the explicit kernel backend said %v, want ErrTraced\n", err)
		return 1
	}
	r, err := c.Run()
	if err != nil || r.Backend != "interp" || r.Steps != 2 || r.Ret(0) != int64(os.Getppid()) {
		fmt.Printf("FAIL: audited, Run() gave %+v, %v; want both steps on interp\n", r, err)
		return 1
	}
	fmt.Println("audited task: sys_chain refused with EOPNOTSUPP; Kernel{} reports ErrTraced; Run() ran the chain on interp")
	return 0
}
