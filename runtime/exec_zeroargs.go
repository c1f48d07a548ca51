//go:build amd64 || arm || arm64 || loong64 || s390x

package runtime

// noErrorZeroesArgs: x/sys/unix's SyscallNoError and RawSyscallNoError
// set argument registers 4-6 to 0 on this arch (asm_linux_<arch>.s), so a
// step whose arguments 4-6 are 0 may use them.
const noErrorZeroesArgs = true
