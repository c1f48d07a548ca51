//go:build linux && !(arm64 || loong64 || riscv64)

package runtime

import "golang.org/x/sys/unix"

// fork exists on every arch but the asm-generic ones.
func init() {
	denyList = append(denyList, denied{unix.SYS_FORK, "fork"})
}
