//go:build linux

package runtime

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// needUring skips loudly where io_uring cannot be set up at all.
func needUring(t testing.TB) {
	t.Helper()
	if err := (Uring{}).Available(); err != nil {
		t.Skipf("NOT CHECKED: io_uring unavailable: %v", err)
	}
}

// uenv is the world a differential case runs in: a fresh directory, a
// pipe and /dev/null, remade identically before each backend's run so
// that descriptor numbers, file contents and results can be compared.
type uenv struct {
	dir        string
	pr, pw     int
	null       int
	bufs       [][]byte // buffers the chain wrote into, compared after the run
	statxBufs  []*unix.Statx_t
	prepErrors []error
}

func (e *uenv) path(name string) string { return filepath.Join(e.dir, name) }

func (e *uenv) buf(n int) []byte {
	b := make([]byte, n)
	e.bufs = append(e.bufs, b)
	return b
}

func (e *uenv) writeFile(name, content string) {
	if err := os.WriteFile(e.path(name), []byte(content), 0o644); err != nil {
		e.prepErrors = append(e.prepErrors, err)
	}
}

// nonblock makes the pipe O_NONBLOCK, as Go's os.Pipe does: io_uring
// would wait where read(2) says EAGAIN, so uring must run such steps as
// plain syscalls.
func (e *uenv) nonblock() {
	for _, fd := range []int{e.pr, e.pw} {
		if err := unix.SetNonblock(fd, true); err != nil {
			e.prepErrors = append(e.prepErrors, err)
		}
	}
}

func (e *uenv) fill(s string) {
	if _, err := unix.Write(e.pw, []byte(s)); err != nil {
		e.prepErrors = append(e.prepErrors, err)
	}
}

type uringCase struct {
	name  string
	prep  func(e *uenv)
	build func(e *uenv, c *Chain)
	// linked: the case must run at least one segment of two or more
	// steps (checked through the submission count), so the test sees
	// io_uring's linking and not only the Go-side splitting.
	maxSubmits int
}

// outcome is everything a run can be compared on.
type outcome struct {
	steps int
	why   Why
	rets  []int64
	err   string
	bufs  []string
	statx []string
	files []string
	pipe  string
	fds   []string // descriptors the chain left open, by number
}

// openFds lists the open descriptors below uringFdFloor: the rings live
// above it (a thread's first uring run sets one up, and the test must not
// close it). It asks fcntl rather than reading /proc/self/fd, whose own
// descriptor would show up in the listing.
func openFds(t testing.TB) map[string]bool {
	m := map[string]bool{}
	for fd := 0; fd < uringFdFloor; fd++ {
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err == nil {
			m[strconv.Itoa(fd)] = true
		}
	}
	return m
}

func runUringCase(t *testing.T, b Backend, dir string, uc uringCase) (out outcome, submits int64) {
	t.Helper()
	os.RemoveAll(dir)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	e := &uenv{dir: dir}
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil { // blocking: see nonblock
		t.Fatal(err)
	}
	e.pr, e.pw = p[0], p[1]
	null, err := unix.Open("/dev/null", unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	e.null = null
	if uc.prep != nil {
		uc.prep(e)
	}
	if len(e.prepErrors) > 0 {
		t.Fatal(e.prepErrors)
	}
	before := openFds(t)
	var c Chain
	uc.build(e, &c)
	if err := c.Err(); err != nil {
		t.Fatalf("building: %v", err)
	}
	s0 := uringSubmits.Load()
	res, err := c.RunOn(b)
	submits = uringSubmits.Load() - s0
	if res == nil {
		t.Fatalf("%s refused: %v", b.Name(), err)
	}
	out.steps, out.why = res.Steps, res.Why
	for i := 0; i < res.Len(); i++ {
		out.rets = append(out.rets, res.Ret(i))
	}
	if err != nil {
		out.err = err.Error()
	}
	for _, b := range e.bufs {
		out.bufs = append(out.bufs, string(b))
	}
	for _, st := range e.statxBufs {
		out.statx = append(out.statx, fmt.Sprintf("mode %o size %d nlink %d", st.Mode, st.Size, st.Nlink))
	}
	filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			out.files = append(out.files, err.Error())
			return nil
		}
		rel, _ := filepath.Rel(dir, path)
		desc := fmt.Sprintf("%s %v %d", rel, info.Mode(), info.Size())
		if info.Mode()&os.ModeSymlink != 0 {
			target, _ := os.Readlink(path)
			desc += " -> " + target
		} else if info.Mode().IsRegular() {
			data, _ := os.ReadFile(path)
			desc += " " + strconv.Quote(string(data))
		}
		out.files = append(out.files, desc)
		return nil
	})
	rest := make([]byte, 1<<16)
	unix.SetNonblock(e.pr, true)
	if n, _ := unix.Read(e.pr, rest); n > 0 {
		out.pipe = string(rest[:n])
	}
	for fd := range openFds(t) {
		if !before[fd] {
			out.fds = append(out.fds, fd)
			n, _ := strconv.Atoi(fd)
			unix.Close(n)
		}
	}
	slices.Sort(out.fds)
	unix.Close(e.pr)
	unix.Close(e.pw)
	unix.Close(e.null)
	return out, submits
}

func (o outcome) String() string {
	return fmt.Sprintf("ran %d (%s) rets %v err %q\nbufs %q\nstatx %q\nfiles %q\npipe %q\nleft open %v",
		o.steps, o.why, o.rets, o.err, o.bufs, o.statx, o.files, o.pipe, o.fds)
}

const content = "0123456789abcdefghij" // 20 bytes

func uringCases() []uringCase {
	rd := unix.O_RDONLY | unix.O_CLOEXEC
	wr := unix.O_WRONLY | unix.O_CREAT | unix.O_CLOEXEC
	cases := []uringCase{
		{name: "open-read-close", prep: func(e *uenv) { e.writeFile("f", content) },
			build: func(e *uenv, c *Chain) {
				buf := e.buf(64)
				c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, e.path("f"), rd, 0)
				c.Syscall(unix.SYS_READ, Ret(0), buf, len(buf))
				c.Syscall(unix.SYS_CLOSE, Ret(0))
			}},
		{name: "open-enoent-errstop", build: func(e *uenv, c *Chain) {
			c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, e.path("missing"), rd, 0)
			c.Syscall(unix.SYS_READ, Ret(0), e.buf(8), 8)
			c.Syscall(unix.SYS_CLOSE, Ret(0))
		}},
		{name: "open-enoent-allowed-then-ebadf", build: func(e *uenv, c *Chain) {
			c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, e.path("missing"), rd, 0).AllowError()
			c.Syscall(unix.SYS_READ, Ret(0), e.buf(8), 8)
			c.Syscall(unix.SYS_CLOSE, Ret(0))
		}},
		{name: "independent-writes-linked", maxSubmits: 1, build: func(e *uenv, c *Chain) {
			for i := 0; i < 6; i++ {
				c.Syscall(unix.SYS_WRITE, e.null, "x", 1).AllowError()
			}
			c.Syscall(unix.SYS_WRITE, e.null, "yy", 2)
		}},
		{name: "close-errstop-cancels-linked", maxSubmits: 1, build: func(e *uenv, c *Chain) {
			c.Syscall(unix.SYS_CLOSE, -1) // EBADF, stops
			c.Syscall(unix.SYS_WRITE, e.null, "x", 1)
		}},
		{name: "allowed-error-hardlinks", maxSubmits: 1, build: func(e *uenv, c *Chain) {
			c.Syscall(unix.SYS_CLOSE, -1).AllowError()
			c.Syscall(unix.SYS_CLOSE, 1<<30).AllowError()
			c.Syscall(unix.SYS_WRITE, e.pw, "after", 5).AllowError()
			c.Syscall(unix.SYS_CLOSE, -1)
			c.Syscall(unix.SYS_WRITE, e.pw, "never", 5)
		}},
		{name: "pipe-short-read-goes-on", prep: func(e *uenv) { e.fill("hello") },
			build: func(e *uenv, c *Chain) {
				c.Syscall(unix.SYS_READ, e.pr, e.buf(100), 100) // 5 of 100: short, not an error
				c.Syscall(unix.SYS_WRITE, e.pw, "after", 5)
				c.Syscall(unix.SYS_READ, e.pr, e.buf(3), 3)
			}},
		{name: "pipe-short-read-allowerror-linked", maxSubmits: 1, prep: func(e *uenv) { e.fill("hello") },
			build: func(e *uenv, c *Chain) {
				c.Syscall(unix.SYS_READ, e.pr, e.buf(100), 100).AllowError() // short: a HARDLINK goes on
				c.Syscall(unix.SYS_WRITE, e.pw, "after", 5)
			}},
		{name: "pipe-empty-eagain", prep: (*uenv).nonblock, build: func(e *uenv, c *Chain) {
			c.Syscall(unix.SYS_READ, e.pr, e.buf(4), 4) // O_NONBLOCK, empty: EAGAIN
			c.Syscall(unix.SYS_WRITE, e.pw, "x", 1)
		}},
		{name: "nonblocking-pipe-full", prep: func(e *uenv) {
			e.nonblock()
			unix.FcntlInt(uintptr(e.pw), unix.F_SETPIPE_SZ, 4096)
		}, build: func(e *uenv, c *Chain) {
			big := strings.Repeat("z", 4000)
			c.Syscall(unix.SYS_WRITE, e.pw, big, len(big))
			c.Syscall(unix.SYS_WRITE, e.pw, big, len(big)) // short: 96
			c.Syscall(unix.SYS_WRITE, e.pw, big, len(big)) // EAGAIN
			c.Syscall(unix.SYS_WRITE, e.null, "x", 1)
		}},
		{name: "ref-count-from-read", prep: func(e *uenv) { e.fill("abcdefg") },
			build: func(e *uenv, c *Chain) {
				buf := e.buf(16)
				c.Syscall(unix.SYS_READ, e.pr, buf, 4)
				c.Syscall(unix.SYS_WRITE, e.pw, buf, Ret(0)).Bound(2, uint64(len(buf)))
				c.Syscall(unix.SYS_READ, e.pr, e.buf(16), 16)
			}},
		{name: "bound-stops", prep: func(e *uenv) { e.fill("abcdefghij") },
			build: func(e *uenv, c *Chain) {
				buf := e.buf(16)
				c.Syscall(unix.SYS_READ, e.pr, buf, 10)
				c.Syscall(unix.SYS_WRITE, e.pw, buf, Ret(0)).Bound(2, 5)
				c.Syscall(unix.SYS_WRITE, e.pw, "x", 1)
			}},
		{name: "cond-stop-eof", prep: func(e *uenv) { e.writeFile("empty", "") },
			build: func(e *uenv, c *Chain) {
				c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, e.path("empty"), rd, 0)
				c.Syscall(unix.SYS_READ, Ret(0), e.buf(8), 8).When(EQ, 0)
				c.Syscall(unix.SYS_WRITE, e.null, "x", 1)
			}},
		{name: "cond-goto-skips", maxSubmits: 3, build: func(e *uenv, c *Chain) {
			c.Syscall(unix.SYS_WRITE, e.pw, "ab", 2).When(EQ, 2).Goto(3)
			c.Syscall(unix.SYS_WRITE, e.pw, "skipped", 7)
			c.Syscall(unix.SYS_WRITE, e.pw, "skipped", 7)
			c.Syscall(unix.SYS_WRITE, e.pw, "cd", 2).AllowError()
			c.Syscall(unix.SYS_WRITE, e.pw, "ef", 2).When(NE, 2).Goto(6)
			c.Syscall(unix.SYS_WRITE, e.pw, "gh", 2)
		}},
		{name: "cond-continue-links", maxSubmits: 1, build: func(e *uenv, c *Chain) {
			c.Syscall(unix.SYS_CLOSE, -1).AllowError().When(LT, 0).Continue()
			c.Syscall(unix.SYS_WRITE, e.pw, "ab", 2).AllowError().When(EQ, 2).Continue()
			c.Syscall(unix.SYS_WRITE, e.pw, "cd", 2)
		}},
		{name: "cond-symbolic", build: func(e *uenv, c *Chain) {
			c.Syscall(unix.SYS_WRITE, e.pw, "abc", 3)
			c.Syscall(unix.SYS_WRITE, e.pw, "abc", 3).When(EQ, Ret(0))
			c.Syscall(unix.SYS_WRITE, e.pw, "never", 5)
		}},
		{name: "files-everything", build: func(e *uenv, c *Chain) {
			c.Syscall(unix.SYS_MKDIRAT, unix.AT_FDCWD, e.path("d"), 0o750)
			c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, e.path("d/f"), wr|unix.O_EXCL, 0o640)
			c.Syscall(unix.SYS_WRITE, Ret(1), content, len(content))
			c.Syscall(unix.SYS_FSYNC, Ret(1))
			c.Syscall(unix.SYS_FDATASYNC, Ret(1))
			if wordIs64 {
				c.Syscall(unix.SYS_FTRUNCATE, Ret(1), 7)
				c.Syscall(unix.SYS_FALLOCATE, Ret(1), 0, 0, 12)
			}
			c.Syscall(unix.SYS_CLOSE, Ret(1))
			c.Syscall(unix.SYS_RENAMEAT2, unix.AT_FDCWD, e.path("d/f"), unix.AT_FDCWD, e.path("g"), 0)
			c.Syscall(unix.SYS_LINKAT, unix.AT_FDCWD, e.path("g"), unix.AT_FDCWD, e.path("h"), 0)
			c.Syscall(unix.SYS_SYMLINKAT, "g", unix.AT_FDCWD, e.path("s"))
			st := new(unix.Statx_t)
			e.statxBufs = append(e.statxBufs, st)
			c.Syscall(unix.SYS_STATX, unix.AT_FDCWD, e.path("s"), 0, unix.STATX_BASIC_STATS, unsafe.Pointer(st))
			c.Syscall(unix.SYS_UNLINKAT, unix.AT_FDCWD, e.path("d"), unix.AT_REMOVEDIR)
			c.Syscall(unix.SYS_UNLINKAT, unix.AT_FDCWD, e.path("d"), unix.AT_REMOVEDIR).AllowError() // ENOENT
			c.Syscall(unix.SYS_MKDIRAT, unix.AT_FDCWD, e.path("g"), 0o755)                           // EEXIST, stops
			c.Syscall(unix.SYS_UNLINKAT, unix.AT_FDCWD, e.path("h"), 0)
		}},
		{name: "file-errors", prep: func(e *uenv) { e.writeFile("f", content) },
			build: func(e *uenv, c *Chain) {
				c.Syscall(unix.SYS_RENAMEAT2, unix.AT_FDCWD, e.path("f"), unix.AT_FDCWD, e.path("f"), unix.RENAME_NOREPLACE).AllowError()
				c.Syscall(unix.SYS_UNLINKAT, unix.AT_FDCWD, e.path("f"), 0x4000).AllowError() // bad flag: EINVAL at prep
				c.Syscall(unix.SYS_LINKAT, unix.AT_FDCWD, e.path("nope"), unix.AT_FDCWD, e.path("l"), 0).AllowError()
				c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, e.path("f"), unix.O_WRONLY|unix.O_DIRECTORY, 0).AllowError()
				c.Syscall(unix.SYS_WRITE, -1, "x", 1).AllowError()
				c.Syscall(unix.SYS_FSYNC, 1<<20).AllowError()
				st := new(unix.Statx_t)
				e.statxBufs = append(e.statxBufs, st)
				c.Syscall(unix.SYS_STATX, unix.AT_FDCWD, e.path("f"), 0, unix.STATX_SIZE, unsafe.Pointer(st))
			}},
		// An entry that fails while io_uring prepares it (an empty path:
		// getname's ENOENT) cancels its whole link, earlier steps included:
		// the backend must resubmit them.
		{name: "prep-failure-mid-segment", build: func(e *uenv, c *Chain) {
			c.Syscall(unix.SYS_WRITE, e.pw, "one", 3).AllowError()
			c.Syscall(unix.SYS_WRITE, e.pw, "two", 3).AllowError()
			c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, "", unix.O_RDONLY, 0).AllowError()
			c.Syscall(unix.SYS_WRITE, e.pw, "three", 5).AllowError()
			c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, "", unix.O_RDONLY, 0)
			c.Syscall(unix.SYS_WRITE, e.pw, "never", 5)
		}},
		{name: "prep-failure-head", build: func(e *uenv, c *Chain) {
			c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, "", unix.O_RDONLY, 0).AllowError()
			c.Syscall(unix.SYS_WRITE, e.pw, "after", 5).AllowError()
			c.Syscall(unix.SYS_WRITE, e.pw, "more", 4)
		}},
		{name: "bad-buffer-efault", build: func(e *uenv, c *Chain) {
			c.Syscall(unix.SYS_WRITE, e.pw, "a", 1).AllowError()
			c.Syscall(unix.SYS_WRITE, e.pw, uintptr(8), 4).AllowError() // EFAULT
			c.Syscall(unix.SYS_WRITE, e.pw, "b", 1).AllowError()
			c.Syscall(unix.SYS_STATX, unix.AT_FDCWD, uintptr(8), 0, 0, uintptr(8)).AllowError()
			c.Syscall(unix.SYS_WRITE, e.pw, "c", 1)
		}},
		{name: "huge-count-slow-path", prep: func(e *uenv) { e.fill("abc") },
			build: func(e *uenv, c *Chain) {
				buf := e.buf(8)
				// An unsafe.Pointer has no known size: no length check.
				c.Syscall(unix.SYS_READ, e.pr, unsafe.Pointer(&buf[0]), uintptr(maxRWCount+1)).AllowError()
			}},
		// io_uring's read of 0 bytes never calls a file's ->read: it would
		// say 0 where read(2) on a directory says EISDIR.
		{name: "zero-length-read-of-directory", build: func(e *uenv, c *Chain) {
			c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, e.dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
			c.Syscall(unix.SYS_READ, Ret(0), e.buf(1), 0).AllowError()
			c.Syscall(unix.SYS_READ, Ret(0), e.buf(8), 8).AllowError()
			c.Syscall(unix.SYS_CLOSE, Ret(0))
		}},
		// statx(fd, NULL, AT_EMPTY_PATH) is valid for the syscall (6.11+).
		{name: "statx-null-path", prep: func(e *uenv) { e.writeFile("f", content) },
			build: func(e *uenv, c *Chain) {
				st := new(unix.Statx_t)
				e.statxBufs = append(e.statxBufs, st)
				c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, e.path("f"), unix.O_RDONLY|unix.O_CLOEXEC, 0)
				c.Syscall(unix.SYS_STATX, Ret(0), nil, unix.AT_EMPTY_PATH, unix.STATX_SIZE, unsafe.Pointer(st)).AllowError()
				c.Syscall(unix.SYS_CLOSE, Ret(0))
			}},
		{name: "long-independent-run", build: func(e *uenv, c *Chain) {
			for i := 0; i < 200; i++ {
				c.Syscall(unix.SYS_WRITE, e.null, "x", 1).AllowError()
			}
			c.Syscall(unix.SYS_WRITE, e.pw, "end", 3)
		}},
		{name: "open-leaves-fd-open", prep: func(e *uenv) { e.writeFile("f", content) },
			build: func(e *uenv, c *Chain) {
				c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, e.path("f"), rd, 0)
				c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, e.path("f"), rd, 0)
				c.Syscall(unix.SYS_CLOSE, Ret(0))
				c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, e.path("f"), rd, 0)
			}},
	}
	if wordIs64 { // on 32-bit arches the offset takes two slots; uring does not map pread64 there
		cases = append(cases, uringCase{name: "pread-pwrite", prep: func(e *uenv) { e.writeFile("f", content) },
			build: func(e *uenv, c *Chain) {
				c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, e.path("f"), unix.O_RDWR|unix.O_CLOEXEC, 0)
				c.Syscall(unix.SYS_PREAD64, Ret(0), e.buf(5), 5, 10)
				c.Syscall(unix.SYS_PWRITE64, Ret(0), "XY", 2, 3)
				c.Syscall(unix.SYS_PREAD64, Ret(0), e.buf(30), 30, 0) // short: 20
				c.Syscall(unix.SYS_READ, Ret(0), e.buf(4), 4)         // the position is still 0
				c.Syscall(unix.SYS_PREAD64, Ret(0), e.buf(4), 4, -1).AllowError()
				c.Syscall(unix.SYS_PREAD64, Ret(0), e.buf(4), 4, -7).AllowError()
				c.Syscall(unix.SYS_CLOSE, Ret(0))
			}},
			// The syscall says ESPIPE on a pipe; io_uring would read it.
			uringCase{name: "pread-on-pipe", prep: func(e *uenv) { e.fill("abcdef") },
				build: func(e *uenv, c *Chain) {
					c.Syscall(unix.SYS_PREAD64, e.pr, e.buf(4), 4, 0).AllowError()
					c.Syscall(unix.SYS_PWRITE64, e.pw, "xy", 2, 0).AllowError()
					c.Syscall(unix.SYS_READ, e.pr, e.buf(4), 4)
				}})
	}
	return cases
}

// TestUringDifferential runs every case on interp and on uring in the same
// starting state and requires identical outcomes: results (descriptor
// numbers included), status, buffers, files, pipe contents, descriptors
// left open.
func TestUringDifferential(t *testing.T) {
	needUring(t)
	t.Logf("opcodes whose failure breaks a link: %#x", uringState.breaks)
	dir := filepath.Join(t.TempDir(), "w")
	for _, uc := range uringCases() {
		t.Run(uc.name, func(t *testing.T) {
			want, _ := runUringCase(t, Interp{}, dir, uc)
			got, submits := runUringCase(t, Uring{}, dir, uc)
			if got.String() != want.String() {
				t.Errorf("uring differs from interp\nuring:  %s\ninterp: %s", got, want)
			}
			if uc.maxSubmits > 0 && submits > int64(uc.maxSubmits) {
				t.Errorf("%d submissions, want at most %d (steps were not linked)", submits, uc.maxSubmits)
			}
			if testing.Verbose() {
				t.Logf("%d submissions; %s", submits, got)
			}
		})
	}
}

// TestUringRefusals: chains with a step io_uring has no operation for are
// not accepted, and Exec refuses them without running anything; invalid
// words are refused with the error interp gives.
func TestUringRefusals(t *testing.T) {
	needUring(t)
	var c Chain
	c.Syscall(unix.SYS_WRITE, 1, "", 0)
	c.Syscall(unix.SYS_GETPID)
	p, err := c.Program()
	if err != nil {
		t.Fatal(err)
	}
	if (Uring{}).Accepts(p) {
		t.Error("a chain with getpid was accepted")
	}
	res := make([]uintptr, p.Len())
	if _, err := (Uring{}).Exec(p, res); !errors.Is(err, ErrNoUringOp) || !strings.Contains(err.Error(), "step 1") {
		t.Errorf("Exec: %v, want ErrNoUringOp naming step 1", err)
	}
	if _, err := c.RunOn(Uring{}); !errors.Is(err, ErrNoUringOp) {
		t.Errorf("RunOn: %v", err)
	}
	var ok Chain
	ok.Syscall(unix.SYS_CLOSE, -1)
	if p, _ := ok.Program(); !(Uring{}).Accepts(p) {
		t.Error("close(-1) not accepted")
	}
	bad := RawProgram([]uintptr{unix.SYS_CLOSE, 7 << 9}) // ends inside the step
	_, ierr := Interp{}.Exec(bad, make([]uintptr, bad.Len()))
	_, uerr := Uring{}.Exec(bad, make([]uintptr, bad.Len()))
	if ierr == nil || uerr == nil || ierr.Error() != uerr.Error() {
		t.Errorf("malformed words: uring %v, interp %v", uerr, ierr)
	}
	if !(Uring{}).Accepts(bad) {
		t.Error("an invalid program must be accepted so that Exec refuses it like every executor")
	}
	if b := DefaultBackend(p); b.Name() == "uring" {
		t.Error("Run picked uring by itself")
	}
	if b, err := BackendByName("uring"); err != nil || b.Name() != "uring" {
		t.Errorf("BackendByName(uring): %v %v", b, err)
	}
}

// TestUringConcurrent: many goroutines share the backend (each Exec takes
// its own ring); run with -race.
func TestUringConcurrent(t *testing.T) {
	needUring(t)
	f := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(f, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 64)
			var c Chain
			c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, f, unix.O_RDONLY|unix.O_CLOEXEC, 0)
			c.Syscall(unix.SYS_READ, Ret(0), buf, len(buf)).AllowError()
			c.Syscall(unix.SYS_CLOSE, Ret(0))
			c.Syscall(unix.SYS_CLOSE, -1).AllowError()
			c.Syscall(unix.SYS_READ, -1, buf, 1).AllowError()
			var r Result
			for i := 0; i < 300; i++ {
				if err := c.RunInto(Uring{}, &r); err != nil {
					errs <- err
					return
				}
				if r.Steps != 5 || r.Ret(1) != int64(len(content)) || r.Ret(2) != 0 || r.Ret(3) != -int64(unix.EBADF) || string(buf[:r.Ret(1)]) != content {
					errs <- fmt.Errorf("run %d: %s", i, r.String())
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestUringNoAllocRerun: a re-run allocates nothing once a ring is pooled.
func TestUringNoAllocRerun(t *testing.T) {
	needUring(t)
	var c Chain
	for i := 0; i < 4; i++ {
		c.Syscall(unix.SYS_CLOSE, -1).AllowError()
	}
	var r Result
	if err := c.RunInto(Uring{}, &r); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { _ = c.RunInto(Uring{}, &r) }); n != 0 {
		t.Errorf("%v allocs per re-run, want 0", n)
	}
}

// randomUringCase builds a random chain over a regular file (opened in the
// chain), a prefilled blocking pipe and /dev/null: references to an
// earlier openat as descriptors and to the previous result as counts
// (bounded), allowed errors, conditions with every action. Descriptors come
// only from the environment or the chain's own openat, so a chain never
// closes or writes to one the test process needs. Nothing in it can block: reads take at most 64 bytes
// of an 8 KiB prefill, writes at most 64 bytes into a 64 KiB pipe.
func randomUringCase(rng *rand.Rand, n int) uringCase {
	type stepPlan struct {
		kind        int
		fd, cnt     int // choices, resolved at build time
		allow       bool
		cmp         Cmp
		val, act    int
		target      int
		off, nconds int
	}
	plans := make([]stepPlan, n)
	for i := range plans {
		p := &plans[i]
		p.kind = rng.IntN(7)
		p.fd = rng.IntN(6)
		p.cnt = rng.IntN(4)
		p.off = rng.IntN(30)
		p.allow = rng.IntN(5) < 3
		if rng.IntN(10) < 3 {
			p.nconds = 1 + rng.IntN(2)
			p.cmp = Cmp(rng.IntN(int(numCmp)))
			p.val = rng.IntN(6)
			p.act = rng.IntN(3)
			if i+1 < n {
				p.target = i + 1 + rng.IntN(n-i)
			} else {
				p.act = min(p.act, 1)
			}
		}
	}
	return uringCase{
		name: "random",
		prep: func(e *uenv) {
			e.writeFile("f", strings.Repeat(content, 5))
			e.fill(strings.Repeat("p", 8192))
		},
		build: func(e *uenv, c *Chain) {
			lastOpen := -1
			for i, p := range plans {
				var fd any
				switch p.fd {
				case 0:
					fd = e.pr
				case 1:
					fd = e.null
				case 2:
					fd = -1
				case 3, 4:
					if lastOpen >= 0 {
						fd = Ret(lastOpen)
					} else {
						fd = e.pw
					}
				default:
					fd = e.pw
				}
				var cnt any = []int{0, 7, 64, 64}[p.cnt]
				if p.cnt == 3 && i > 0 {
					cnt = Ret(i - 1)
				}
				buf := e.buf(64)
				switch p.kind {
				case 0:
					c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, e.path("f"), unix.O_RDWR|unix.O_CLOEXEC, 0)
					lastOpen = i
				case 1:
					c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, e.path([]string{"missing", "f/x", ""}[p.fd%3]), unix.O_RDONLY, 0)
				case 2:
					c.Syscall(unix.SYS_READ, fd, buf, cnt).Bound(2, 64)
				case 3:
					if fd == e.pr {
						fd = e.pw
					}
					c.Syscall(unix.SYS_WRITE, fd, buf, cnt).Bound(2, 64)
				case 4:
					if wordIs64 {
						c.Syscall(unix.SYS_PREAD64, fd, buf, cnt, p.off).Bound(2, 64)
					} else { // no pread64 in uring on 32-bit arches
						c.Syscall(unix.SYS_READ, fd, buf, cnt).Bound(2, 64)
					}
				case 5:
					if fd == e.pr || fd == e.null {
						fd = -1 // keep the environment's descriptors for later steps
					}
					c.Syscall(unix.SYS_CLOSE, fd)
				case 6:
					c.Syscall(unix.SYS_FSYNC, fd)
				}
				if p.allow {
					c.AllowError()
				}
				for j := 0; j < p.nconds; j++ {
					v := []int{0, 1, 7, -9, 64, -2}[(p.val+j)%6]
					if j == 1 && i > 0 {
						v = Ret(i - 1)
					}
					c.When(p.cmp, v)
				}
				switch {
				case p.nconds == 0:
				case p.act == 1:
					c.Continue()
				case p.act == 2:
					c.Goto(p.target)
				}
			}
		},
	}
}

// TestUringDifferentialRandom: many random chains, uring against interp.
func TestUringDifferentialRandom(t *testing.T) {
	needUring(t)
	dir := filepath.Join(t.TempDir(), "w")
	seed := uint64(1)
	if v := os.Getenv("SYSCHAIN_URING_SEED"); v != "" { // explore: SYSCHAIN_URING_SEED=n go test -run Random
		seed, _ = strconv.ParseUint(v, 10, 64)
	}
	rng := rand.New(rand.NewPCG(seed, 2))
	count := 400
	if testing.Short() {
		count = 50
	}
	var submits, steps int64
	for k := 0; k < count; k++ {
		uc := randomUringCase(rng, 1+rng.IntN(14))
		want, _ := runUringCase(t, Interp{}, dir, uc)
		got, s := runUringCase(t, Uring{}, dir, uc)
		submits += s
		steps += int64(got.steps)
		if got.String() != want.String() {
			var c Chain
			uc.build(&uenv{dir: dir}, &c)
			t.Fatalf("seed %d, chain %d differs\n%s\nuring:  %s\ninterp: %s", seed, k, c.String(), got, want)
		}
	}
	t.Logf("%d chains, %d steps ran, %d io_uring submissions", count, steps, submits)
}

// TestUringForeignRing: a SINGLE_ISSUER ring kept under this thread's id
// but owned by another thread (as after a thread exits and its id is
// reused) makes the kernel refuse the submission with EEXIST; Exec replaces
// the ring and runs the chain, including after a step that ran as a plain
// syscall before the refused submission.
func TestUringForeignRing(t *testing.T) {
	needUring(t)
	made := make(chan *uringCtx)
	release := make(chan struct{})
	go func() {
		goruntime.LockOSThread() // never unlocked: the thread exits with the goroutine
		c, err := newUringCtx()
		if err != nil {
			t.Error(err)
		}
		made <- c
		<-release
	}()
	foreign := <-made
	defer close(release)
	if foreign == nil {
		return
	}
	goruntime.LockOSThread()
	defer goruntime.UnlockOSThread()
	tid := unix.Gettid()
	if old, _ := getUringCtx(tid); old != nil {
		old.ring.Close()
	}
	foreignRing := foreign.ring
	putUringCtx(tid, foreign)

	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])
	var c Chain
	c.Syscall(unix.SYS_WRITE, p[1], "abc", 3) // O_NONBLOCK: a plain syscall
	c.Syscall(unix.SYS_CLOSE, -1).AllowError()
	c.Syscall(unix.SYS_CLOSE, -1)
	res, err := c.RunOn(Uring{})
	if res == nil || res.Steps != 3 || res.Ret(0) != 3 || res.Ret(2) != -int64(unix.EBADF) {
		t.Fatalf("%v, %v", res, err)
	}
	got, _ := getUringCtx(tid)
	if got == nil || got.ring == foreignRing {
		t.Error("the foreign ring was kept")
	}
	if got != nil {
		putUringCtx(tid, got)
	}
}
