// Package generated is syschain's typed chain builder for every syscall of
// every Linux GOARCH: a Chain with one method per syscall, named like
// golang.org/x/sys/unix (Openat, Read, Pread64), whose parameters are the
// kernel's with Go types, fixed in number at compile time.
//
//	buf := make([]byte, 4096)
//	c := generated.New()
//	c.Openat(unix.AT_FDCWD, "/etc/hostname", unix.O_RDONLY, 0).
//		Read(runtime.Ret(0), buf, len(buf)).
//		Write(1, buf, runtime.Ret(1)).
//		Close(runtime.Ret(0))
//	res, err := c.Run()
//
// Integer, fd and address parameters are int and take runtime.Ret(i), step
// i's result, as well as x/sys/unix constants; 64-bit values (file offsets,
// u64 flags) are int64 on every arch, split into the register pair a 32-bit
// arch needs, so Pread64(fd, buf, n, off) means the same on arm as on amd64.
// const char * is string, a buffer and its length are []byte and int (a
// literal length is checked against the slice, a Ret one when the step
// runs), argv and envp are []string, and structs x/sys/unix declares for the
// arch are *unix.T; other pointers are unsafe.Pointer. On 32-bit arches Mmap
// calls mmap2 with the byte offset converted to pages. Each method's doc
// gives the C prototype it was made from.
//
// Besides the kernel-named methods, every arch has x/sys/unix's portable
// functions with x/sys's names and signatures (Fstat, Stat, Lstat,
// Fstatat, Pread, Pwrite, Open, Sendfile, Accept4, Getrlimit, ...), mapped
// to the syscall that arch uses (fstat64 on 32-bit arches, newfstatat
// where there is no stat, statx on loong64); a kernel-named method that
// has such a name but differs on an arch is Sys<Name> there. Syscalls the
// runtime refuses (runtime.DenyNames: execve, clone, exit_group, ...) have
// no method, so such a chain does not compile.
//
// The files zchain_linux_<goarch>.go are generated from tables/ by
// syschain-gen (`make generate`); do not edit them. Each checks its syscall
// numbers against unix.SYS_* and its version against the runtime package
// at compile time. A client that wants only a few syscalls generates its
// own builder with `//go:generate go tool syschain-gen -syscalls ...`
// (see examples/client).
package generated

//go:generate go run ../cmd/syschain-gen -all -out .
