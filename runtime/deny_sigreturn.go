//go:build linux && (386 || arm || mips || mipsle || ppc64 || ppc64le || s390x)

package runtime

import "golang.org/x/sys/unix"

// The old (non-rt) sigreturn, where the arch still has it.
func init() {
	denyList = append(denyList, denied{unix.SYS_SIGRETURN, "sigreturn"})
}
