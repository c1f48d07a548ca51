//go:build !(amd64 || arm64 || 386 || arm || riscv64 || loong64 || s390x)

package runtime

// rawRetIsNegErrno is false here: the arch flags a failing syscall apart
// from its return register (mips, ppc64 and sparc64), so the executor
// uses the wrappers that report the errno.
const rawRetIsNegErrno = false
