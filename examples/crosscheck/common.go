package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/syschain/syschain/runtime"
)

// The checks below use the ~60 most common syscalls through their
// portable (x/sys-named) and kernel-named methods. This file is one client
// that compiles unchanged for every gc Linux GOARCH: no build tags, no
// per-arch names, and each result is compared with what Go itself says.

// run runs c and turns a failure into an error naming the check.
func run(what string, c *Chain) (*runtime.Result, error) {
	res, err := c.Run()
	if err != nil {
		return res, fmt.Errorf("%s: %v\n%s", what, err, res)
	}
	return res, nil
}

// files: create, write, sync, truncate, the stat family, chmod, access,
// links, rename and unlink, in two chains.
func files(dir string) error {
	sub := filepath.Join(dir, "sub")
	path := filepath.Join(sub, "f")
	data := []byte("portable chains on " + goruntime.GOARCH + "\n")
	var st1, st2, st3, st4 unix.Stat_t
	var stx unix.Statx_t
	c := New()
	c.Mkdir(sub, 0o755). // 0
				Creat(path, 0o644).                                   // 1
				Pwrite(runtime.Ret(1), data, 0).                      // 2
				Fsync(runtime.Ret(1)).                                // 3
				Fdatasync(runtime.Ret(1)).                            // 4
				Ftruncate(runtime.Ret(1), 100).                       // 5
				Fstat(runtime.Ret(1), &st1).                          // 6
				Close(runtime.Ret(1)).                                // 7
				Stat(path, &st2).                                     // 8
				Truncate(path, 50).                                   // 9
				Fstatat(unix.AT_FDCWD, path, &st4, 0).                // 10
				Statx(unix.AT_FDCWD, path, 0, unix.STATX_SIZE, &stx). // 11
				Chmod(path, 0o600).                                   // 12
				Access(path, unix.R_OK).                              // 13
				Faccessat(unix.AT_FDCWD, path, unix.W_OK).            // 14
				Link(path, path+".hard").                             // 15
				Symlink(path, path+".sym").                           // 16
				Lstat(path+".sym", &st3)                              // 17
	if _, err := run("files", c); err != nil {
		return err
	}
	if st1.Size != 100 || st2.Size != 100 || st4.Size != 50 || stx.Size != 50 {
		return fmt.Errorf("sizes: fstat %d stat %d fstatat %d statx %d; want 100 100 50 50", st1.Size, st2.Size, st4.Size, stx.Size)
	}
	if st3.Mode&unix.S_IFMT != unix.S_IFLNK || st2.Mode&unix.S_IFMT != unix.S_IFREG || st2.Nlink != 1 {
		return fmt.Errorf("modes: lstat %#o stat %#o nlink %d", st3.Mode, st2.Mode, st2.Nlink)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 || fi.ModTime().Unix() != int64(st4.Mtim.Sec) {
		return fmt.Errorf("chmod or mtime: %v %v (stat says mtime %d)", fi.Mode(), err, st4.Mtim.Sec)
	}
	link := make([]byte, 256)
	c = New()
	c.Readlink(path+".sym", link). // 0
					Readlinkat(unix.AT_FDCWD, path+".sym", link, len(link)).          // 1
					Rename(path+".hard", path+".moved").                              // 2
					Renameat(unix.AT_FDCWD, path+".moved", unix.AT_FDCWD, path+".2"). // 3
					Linkat(unix.AT_FDCWD, path+".2", unix.AT_FDCWD, path+".3", 0).    // 4
					Symlinkat(path, unix.AT_FDCWD, path+".sym2").                     // 5
					Unlink(path+".2").                                                // 6
					Unlinkat(unix.AT_FDCWD, path+".3", 0).                            // 7
					Unlink(path+".sym").                                              // 8
					Unlink(path+".sym2").                                             // 9
					Fchmodat(unix.AT_FDCWD, path, 0o644).                             // 10
					Mkdirat(unix.AT_FDCWD, sub+"/d", 0o700).                          // 11
					Rmdir(sub + "/d")                                                 // 12
	res, err := run("links", c)
	if err != nil {
		return err
	}
	if n := res.Ret(1); string(link[:n]) != path || res.Ret(0) != n {
		return fmt.Errorf("readlink %d/%d %q, want %q", res.Ret(0), n, link[:n], path)
	}
	ents, _ := os.ReadDir(sub)
	if len(ents) != 1 || ents[0].Name() != "f" {
		return fmt.Errorf("after unlinks the directory holds %v", ents)
	}
	fmt.Println("ok files: mkdir creat pwrite fsync fdatasync ftruncate fstat close stat truncate fstatat statx chmod access faccessat link symlink lstat readlink readlinkat rename renameat linkat symlinkat unlink unlinkat fchmodat mkdirat rmdir")
	return nil
}

// fds: open, read at offsets, seek, dup, fcntl, flock, vectored I/O,
// directory entries, statfs, sendfile and copy_file_range.
func fds(dir string) error {
	path := filepath.Join(dir, "fds")
	content := "0123456789abcdefghij"
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		return err
	}
	a, b, r := make([]byte, 4), make([]byte, 6), make([]byte, 5)
	iov := make([]unix.Iovec, 2)
	iov[0].Base, iov[1].Base = &a[0], &b[0]
	iov[0].SetLen(len(a))
	iov[1].SetLen(len(b))
	var sfs, sfs2 unix.Statfs_t
	dents := make([]byte, 4096)
	c := New()
	c.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0). // 0
							Pread(runtime.Ret(0), r, 10).                                // 1: "abcde"
							Lseek(runtime.Ret(0), 2, unix.SEEK_SET).                     // 2
							Readv(runtime.Ret(0), iov, len(iov)).                        // 3: "2345" "6789ab"
							Dup(runtime.Ret(0)).                                         // 4
							Fcntl(runtime.Ret(4), unix.F_GETFD, 0).                      // 5: 0, dup drops O_CLOEXEC
							Dup3(runtime.Ret(0), 300, unix.O_CLOEXEC).                   // 6
							Dup2(runtime.Ret(0), 301).                                   // 7
							Flock(runtime.Ret(0), unix.LOCK_SH).                         // 8
							Fstatfs(runtime.Ret(0), &sfs).                               // 9
							Statfs(dir, &sfs2).                                          // 10
							Close(runtime.Ret(4)).                                       // 11
							Close(runtime.Ret(6)).                                       // 12
							Close(301).                                                  // 13
							Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0). // 14
							Getdents(runtime.Ret(14), dents).                            // 15
							Close(runtime.Ret(14)).                                      // 16
							Close(runtime.Ret(0))                                        // 17
	res, err := run("fds", c)
	if err != nil {
		return err
	}
	if string(r) != "abcde" || string(a)+string(b) != "23456789ab" || res.Ret(3) != 10 || res.Ret(5) != 0 || res.Ret(6) != 300 {
		return fmt.Errorf("pread %q readv %q%q (%d) fcntl %d dup3 %d", r, a, b, res.Ret(3), res.Ret(5), res.Ret(6))
	}
	if sfs.Type != sfs2.Type || sfs.Bsize == 0 {
		return fmt.Errorf("fstatfs type %#x bsize %d, statfs type %#x", sfs.Type, sfs.Bsize, sfs2.Type)
	}
	if n := res.Ret(15); n <= 0 || !bytes.Contains(dents[:n], []byte("fds\x00")) {
		return fmt.Errorf("getdents returned %d bytes without the file", n)
	}
	// sendfile and copy_file_range into a second file, with offsets.
	out := filepath.Join(dir, "fds.copy")
	var off, offIn, offOut int64 = 4, 10, 6
	w := make([]byte, 6)
	c = New()
	c.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0). // 0
							Openat(unix.AT_FDCWD, out, unix.O_RDWR|unix.O_CREAT|unix.O_CLOEXEC, 0o644). // 1
							Sendfile(runtime.Ret(1), runtime.Ret(0), &off, 6).                          // 2: "456789" at 0
							CopyFileRange(runtime.Ret(0), &offIn, runtime.Ret(1), &offOut, 4, 0).       // 3: "abcd" at 6
							Pread(runtime.Ret(1), w, 3).                                                // 4
							Close(runtime.Ret(1)).
							Close(runtime.Ret(0))
	if _, err := run("sendfile", c); err != nil {
		return err
	}
	got, _ := os.ReadFile(out)
	if string(got) != "456789abcd" || off != 10 || offIn != 14 || offOut != 10 || string(w) != "789abc" {
		return fmt.Errorf("copy %q offsets %d %d %d pread %q", got, off, offIn, offOut, w)
	}
	fmt.Println("ok fds: open pread lseek readv dup fcntl dup3 dup2 flock fstatfs statfs getdents sendfile copy_file_range")
	return nil
}

// process: the ids, umask, uname, sysinfo, rlimits, cwd, sessions, clocks,
// sleep, getrandom and kill(pid, 0).
func process(dir string) error {
	// The chain's gettid must run on the thread Go's is asked on.
	goruntime.LockOSThread()
	defer goruntime.UnlockOSThread()
	var uts unix.Utsname
	var si unix.Sysinfo_t
	var rl unix.Rlimit
	var ts unix.Timespec
	sleep := unix.Timespec{Nsec: 1000}
	cwd := make([]byte, 4096)
	rnd := make([]byte, 16)
	c := New()
	c.Getpid(). // 0
			Getppid().                               // 1
			Gettid().                                // 2
			Getuid().                                // 3
			Geteuid().                               // 4
			Getgid().                                // 5
			Getegid().                               // 6
			Umask(0o027).                            // 7: the old mask
			Umask(runtime.Ret(7)).                   // 8: put it back
			Uname(&uts).                             // 9
			Sysinfo(&si).                            // 10
			Getrlimit(unix.RLIMIT_NOFILE, &rl).      // 11
			Getcwd(cwd, len(cwd)).                   // 12
			Getpgid(0).                              // 13
			Getsid(0).                               // 14
			ClockGettime(unix.CLOCK_MONOTONIC, &ts). // 15
			Nanosleep(&sleep, nil).                  // 16
			Getrandom(rnd, len(rnd), 0).             // 17
			Kill(runtime.Ret(0), 0).                 // 18
			SchedYield()                             // 19
	res, err := run("process", c)
	if err != nil {
		return err
	}
	wd, _ := os.Getwd()
	pgid, _ := unix.Getpgid(0)
	switch {
	case res.Ret(0) != int64(os.Getpid()) || res.Ret(1) != int64(os.Getppid()) || res.Ret(2) != int64(unix.Gettid()):
		return fmt.Errorf("pid/ppid/tid %d %d %d", res.Ret(0), res.Ret(1), res.Ret(2))
	case res.Ret(3) != int64(os.Getuid()) || res.Ret(4) != int64(os.Geteuid()) || res.Ret(5) != int64(os.Getgid()) || res.Ret(6) != int64(os.Getegid()):
		return fmt.Errorf("uid/euid/gid/egid %d %d %d %d", res.Ret(3), res.Ret(4), res.Ret(5), res.Ret(6))
	case res.Ret(8) != 0o027:
		return fmt.Errorf("umask returned %#o, want 027", res.Ret(8))
	case !strings.HasPrefix(string(uts.Sysname[:]), "Linux") || si.Uptime <= 0 || rl.Cur == 0:
		return fmt.Errorf("uname %q sysinfo uptime %d rlimit %d", uts.Sysname[:5], si.Uptime, rl.Cur)
	case string(cwd[:res.Ret(12)-1]) != wd || res.Ret(13) != int64(pgid) || res.Ret(17) != 16:
		return fmt.Errorf("getcwd %q (Go %q) getpgid %d (Go %d) getrandom %d", cwd[:res.Ret(12)], wd, res.Ret(13), pgid, res.Ret(17))
	case ts.Sec == 0 && ts.Nsec == 0:
		return fmt.Errorf("clock_gettime left the time zero")
	}
	fmt.Println("ok process: getpid getppid gettid getuid geteuid getgid getegid umask uname sysinfo getrlimit getcwd getpgid getsid clock_gettime nanosleep getrandom kill sched_yield")
	return nil
}

// memory: an anonymous mapping whose address later steps use.
func memory(string) error {
	page := os.Getpagesize()
	c := New()
	c.Mmap(0, 2*page, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS, -1, 0). // 0
													Mprotect(runtime.Ret(0), page, unix.PROT_READ).      // 1
													Madvise(runtime.Ret(0), 2*page, unix.MADV_DONTNEED). // 2
													Munmap(runtime.Ret(0), 2*page)                       // 3
	res, err := run("memory", c)
	if err != nil {
		return err
	}
	if res.Ret(0)%int64(page) != 0 || res.Ret(1) != 0 || res.Ret(3) != 0 {
		return fmt.Errorf("mmap %#x mprotect %d munmap %d", res.Ret(0), res.Ret(1), res.Ret(3))
	}
	fmt.Println("ok memory: mmap mprotect madvise munmap")
	return nil
}

// sockaddr returns the bytes of a unix socket address for path.
func sockaddr(path string) []byte {
	var sa unix.RawSockaddrUnix
	sa.Family = unix.AF_UNIX
	for i := range path {
		sa.Path[i] = int8(path[i])
	}
	n := int(unsafe.Offsetof(sa.Path)) + len(path) + 1
	return (*[unsafe.Sizeof(sa)]byte)(unsafe.Pointer(&sa))[:n]
}

// sockets: a datagram socket that sends to itself, a stream connection
// through listen/connect/accept4, socket options, eventfd and epoll.
func sockets(dir string) error {
	dgram, stream := sockaddr(filepath.Join(dir, "d.sock")), sockaddr(filepath.Join(dir, "s.sock"))
	msg, got, sgot := []byte("datagram"), make([]byte, 16), make([]byte, 8)
	var from unix.RawSockaddrAny
	var fromLen, nameLen uint32 = unix.SizeofSockaddrAny, unix.SizeofSockaddrAny
	var name unix.RawSockaddrAny
	one := []byte{1, 0, 0, 0}
	var optval int32
	optlen := int32(4)
	var ev unix.EpollEvent
	ev.Events = unix.EPOLLIN
	cnt := []byte{1, 0, 0, 0, 0, 0, 0, 0}
	cntBack := make([]byte, 8)
	c := New()
	c.Socket(unix.AF_UNIX, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0). // 0
									Bind(runtime.Ret(0), dgram, len(dgram)).                                                         // 1
									Getsockname(runtime.Ret(0), &name, &nameLen).                                                    // 2
									Sendto(runtime.Ret(0), msg, len(msg), 0, dgram, len(dgram)).                                     // 3
									Recvfrom(runtime.Ret(0), got, len(got), 0, &from, &fromLen).                                     // 4
									Setsockopt(runtime.Ret(0), unix.SOL_SOCKET, unix.SO_PASSCRED, one, len(one)).                    // 5
									Getsockopt(runtime.Ret(0), unix.SOL_SOCKET, unix.SO_PASSCRED, unsafe.Pointer(&optval), &optlen). // 6
									Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0).                                     // 7
									Bind(runtime.Ret(7), stream, len(stream)).                                                       // 8
									Listen(runtime.Ret(7), 1).                                                                       // 9
									Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0).                                     // 10
									Connect(runtime.Ret(10), stream, len(stream)).                                                   // 11
									Accept4(runtime.Ret(7), unix.SOCK_CLOEXEC).                                                      // 12
									Write(runtime.Ret(10), msg, 6).                                                                  // 13
									Shutdown(runtime.Ret(10), unix.SHUT_WR).                                                         // 14
									Read(runtime.Ret(12), sgot, len(sgot)).                                                          // 15
									Eventfd(0, unix.EFD_CLOEXEC).                                                                    // 16
									EpollCreate1(unix.EPOLL_CLOEXEC).                                                                // 17
									EpollCtl(runtime.Ret(17), unix.EPOLL_CTL_ADD, runtime.Ret(16), &ev).                             // 18
									Write(runtime.Ret(16), cnt, len(cnt)).                                                           // 19
									Read(runtime.Ret(16), cntBack, len(cntBack)).                                                    // 20
									Close(runtime.Ret(17)).Close(runtime.Ret(16)).Close(runtime.Ret(12)).
									Close(runtime.Ret(10)).Close(runtime.Ret(7)).Close(runtime.Ret(0))
	res, err := run("sockets", c)
	if err != nil {
		return err
	}
	switch {
	case string(got[:res.Ret(4)]) != "datagram" || from.Addr.Family != unix.AF_UNIX || name.Addr.Family != unix.AF_UNIX:
		return fmt.Errorf("recvfrom %q from family %d, getsockname family %d", got[:res.Ret(4)], from.Addr.Family, name.Addr.Family)
	case optval != 1 || optlen != 4:
		return fmt.Errorf("getsockopt %d (len %d)", optval, optlen)
	case string(sgot[:res.Ret(15)]) != "datagr":
		return fmt.Errorf("stream read %q", sgot[:res.Ret(15)])
	case res.Ret(20) != 8 || !bytes.Equal(cntBack, cnt):
		return fmt.Errorf("eventfd read %d %v", res.Ret(20), cntBack)
	}
	fmt.Println("ok sockets: socket bind getsockname sendto recvfrom setsockopt getsockopt listen connect accept4 write shutdown read eventfd epoll_create1 epoll_ctl close")
	return nil
}

// retOffset passes an earlier step's result as a 64-bit offset:
// int64(runtime.Ret(j)) is one register on 64-bit arches and the low half
// of a register pair (high half 0) on 32-bit ones, the same value either way.
func retOffset(dir string) error {
	path := filepath.Join(dir, "append")
	if err := os.WriteFile(path, []byte("0123456789"), 0o644); err != nil {
		return err
	}
	c := New()
	c.Open(path, unix.O_RDWR|unix.O_CLOEXEC, 0). // 0
							Lseek(runtime.Ret(0), 0, unix.SEEK_END).                    // 1: 10
							Pwrite(runtime.Ret(0), []byte("X"), int64(runtime.Ret(1))). // 2: at 10
							Close(runtime.Ret(0))
	if _, err := run("ret offset", c); err != nil {
		return err
	}
	if got, _ := os.ReadFile(path); string(got) != "0123456789X" {
		return fmt.Errorf("pwrite at int64(Ret(1)) made %q", got)
	}
	fmt.Println("ok int64(Ret) as a 64-bit offset")
	return nil
}
