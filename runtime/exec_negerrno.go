//go:build amd64 || arm64 || 386 || arm || riscv64 || loong64 || s390x

package runtime

// rawRetIsNegErrno is true where a failing syscall leaves -errno in the
// return register, so x/sys/unix's NoError forms return the wire format's
// raw result. (mips, ppc64 and sparc64 flag errors apart and return a
// positive errno there.)
const rawRetIsNegErrno = true
