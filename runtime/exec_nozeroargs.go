//go:build !(amd64 || arm || arm64 || loong64 || s390x)

package runtime

// noErrorZeroesArgs is false here: x/sys/unix's 3-argument syscall forms
// leave argument registers 4-6 as they were (riscv64 sets none of them,
// 386 not ebp), and the kernel reads them: newfstatat's flag came out 2
// under qemu-riscv64 (examples/crosscheck). Every step uses Syscall6.
const noErrorZeroesArgs = false
