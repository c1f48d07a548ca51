//go:build linux && !(arm64 || loong64 || riscv64)

package runtime

import "golang.org/x/sys/unix"

// fork and pause exist on every arch but the asm-generic ones.
func init() {
	denyList = append(denyList, denied{unix.SYS_FORK, "fork"}, denied{unix.SYS_PAUSE, "pause"})
}
