// Command crosscheck runs real chains through its own generated builder and
// checks every result against the same work done with Go's os package. It
// is built for each Linux GOARCH and run under qemu-user-static by
// crosscheck_test.go, so a wrong syscall number, a wrong register pair or a
// wrong slot order on any arch makes it fail:
//
//   - openat → read → close of a file with known content;
//
//   - getpid → getppid, compared with os.Getpid and os.Getppid;
//
//   - openat → pread64 → close at an offset above 4 GiB in a sparse file:
//     on 32-bit arches the offset travels in a register pair, and any
//     mistake in its halves or alignment reads the wrong place;
//
//   - mmap at a file offset of two pages: on 32-bit arches Mmap is mmap2
//     with the offset in 4096-byte units, on s390x old_mmap with its
//     arguments in memory.
//
//   - files, fds, process, memory, sockets (common.go): about 80 of the most
//     common syscalls, through the portable x/sys-named methods (Fstat,
//     Stat, Pread, Open, Sendfile, Accept4, ...) and the kernel-named ones,
//     each result compared with Go's. The same source compiles for every
//     arch: that is what the portable layer promises.
//
// It prints one "ok" line per check and exits 1 on the first mismatch.
package main

//go:generate go run github.com/syschain/syschain/cmd/syschain-gen -arch 386,amd64,arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x -syscalls openat,read,close,getpid,getppid,pread64,mmap,munmap,mkdir,creat,pwrite,fsync,fdatasync,ftruncate,fstat,stat,truncate,fstatat,statx,chmod,access,faccessat,link,symlink,lstat,readlink,readlinkat,rename,renameat,linkat,symlinkat,unlink,unlinkat,fchmodat,mkdirat,rmdir,open,pread,lseek,readv,dup,fcntl,dup3,dup2,flock,fstatfs,statfs,getdents,sendfile,copy_file_range,gettid,getuid,geteuid,getgid,getegid,umask,uname,sysinfo,getrlimit,getcwd,getpgid,getsid,clock_gettime,nanosleep,getrandom,kill,sched_yield,mprotect,madvise,socket,bind,getsockname,sendto,recvfrom,setsockopt,getsockopt,listen,connect,accept4,write,shutdown,eventfd,epoll_create1,epoll_ctl

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	goruntime "runtime"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/syschain/syschain/runtime"
)

func main() {
	dir, err := os.MkdirTemp("", "crosscheck")
	if err != nil {
		fail("%v", err)
	}
	defer os.RemoveAll(dir)
	for _, check := range []func(string) error{readKnown, pids, preadHigh, mmapOffset, files, fds, process, memory, sockets, retOffset} {
		if err := check(dir); err != nil {
			os.RemoveAll(dir)
			fail("%v", err)
		}
	}
	fmt.Printf("all checks passed on %s/%s\n", goruntime.GOOS, goruntime.GOARCH)
}

func fail(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "crosscheck %s: FAIL: %s\n", goruntime.GOARCH, fmt.Sprintf(format, a...))
	os.Exit(1)
}

func readKnown(dir string) error {
	want := []byte("syschain reads this on " + goruntime.GOARCH + "\n")
	path := filepath.Join(dir, "known")
	if err := os.WriteFile(path, want, 0o644); err != nil {
		return err
	}
	buf := make([]byte, 100)
	c := New()
	c.Openat(unix.AT_FDCWD, path, unix.O_RDONLY|unix.O_CLOEXEC, 0).
		Read(runtime.Ret(0), buf, len(buf)).
		Close(runtime.Ret(0))
	res, err := c.Run()
	if err != nil {
		return fmt.Errorf("openat/read/close: %v", err)
	}
	if got := buf[:res.Ret(1)]; !bytes.Equal(got, want) {
		return fmt.Errorf("read %q, want %q", got, want)
	}
	fmt.Println("ok openat/read/close")
	return nil
}

func pids(string) error {
	c := New()
	c.Getpid().Getppid()
	res, err := c.Run()
	if err != nil {
		return fmt.Errorf("getpid/getppid: %v", err)
	}
	if res.Ret(0) != int64(os.Getpid()) || res.Ret(1) != int64(os.Getppid()) {
		return fmt.Errorf("getpid/getppid = %d/%d, Go says %d/%d", res.Ret(0), res.Ret(1), os.Getpid(), os.Getppid())
	}
	fmt.Println("ok getpid/getppid")
	return nil
}

// preadHigh reads a marker written at 4 GiB + 12345 in a sparse file.
func preadHigh(dir string) error {
	const off = 4<<30 + 12345
	marker := []byte("above-4GiB:" + goruntime.GOARCH)
	path := filepath.Join(dir, "sparse")
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := f.WriteAt(marker, off); err != nil {
		f.Close()
		return fmt.Errorf("making the sparse file: %v", err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	buf := make([]byte, len(marker))
	c := New()
	c.Openat(unix.AT_FDCWD, path, unix.O_RDONLY|unix.O_CLOEXEC, 0).
		Pread64(runtime.Ret(0), buf, len(buf), off).
		Close(runtime.Ret(0))
	res, err := c.Run()
	if err != nil {
		return fmt.Errorf("pread64 at %d: %v", int64(off), err)
	}
	if n := res.Ret(1); n != int64(len(marker)) || !bytes.Equal(buf, marker) {
		return fmt.Errorf("pread64 at %d read %d bytes %q, want %q (register pair wrong?)", int64(off), n, buf, marker)
	}
	fmt.Println("ok pread64 above 4 GiB")
	return nil
}

// mmapOffset maps the third page of a file and compares it with the file.
// The page size is the system's (16 KiB under qemu-loongarch64), and the
// offset must be a multiple of it.
func mmapOffset(dir string) error {
	page := os.Getpagesize()
	off := 2 * page
	data := make([]byte, 3*page)
	for i := range data {
		data[i] = byte(i / page * 7)
	}
	copy(data[off:], "third page")
	path := filepath.Join(dir, "pages")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return err
	}
	// The fd is opened in Go: on s390x mmap reads its arguments from
	// memory, where a chain cannot put an earlier step's result.
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	c := New()
	c.Mmap(0, page, unix.PROT_READ, unix.MAP_PRIVATE, int(f.Fd()), int64(off))
	res, err := c.Run()
	if err != nil {
		return fmt.Errorf("mmap: %v", err)
	}
	addr := uintptr(res.Ret(0))
	// The mapping is outside the Go heap; reading it through a slice is
	// what unix.Mmap does too.
	got := unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(nil), addr)), page)
	ok := bytes.Equal(got, data[off:])
	m := New()
	m.Munmap(int(addr), page)
	if _, err := m.Run(); err != nil {
		return fmt.Errorf("munmap: %v", err)
	}
	if !ok {
		return fmt.Errorf("mmap at offset %d shows other bytes than the file (page conversion wrong?)", off)
	}
	fmt.Println("ok mmap at a page offset")
	return nil
}
