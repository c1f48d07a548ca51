//go:build !linux

package runtime

// A build for another GOOS fails here with one sentence instead of with
// the undefined unix.SYS_* names of the Linux files. The file name sorts
// first so that the compiler reports this error first.
var _ int = "syschain runs Linux system calls only: build with GOOS=linux"
