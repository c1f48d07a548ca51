// Package diskusage is the engine of examples/du: GNU du's tree walk and
// accounting, with the directory entries of each getdents64 buffer looked
// up by one syscall chain of statx steps (or, for comparison, by plain
// syscalls, or by filepath.WalkDir and os.Lstat).
//
// What it reproduces of GNU du (coreutils 9.1, C locale), for `du DIR`,
// `du -s DIR` and `du -b` (apparent bytes), with any number of operands:
//   - the walk order of gnulib fts as du runs it: each directory's entries
//     in the order getdents64 returns them (sorted by inode number when a
//     directory has more than 10,000 entries and is not on tmpfs or NFS),
//     depth first, a directory's line after its subtree;
//   - sizes: st_blocks*512 summed and printed in 1 KiB blocks rounded up,
//     or with -b st_size summed in bytes; a file with several hard links
//     counted once, where the walk first meets it (every file and
//     directory once, when there are several operands); symlinks not
//     followed;
//   - diagnostics: "du: cannot read directory 'X': Permission denied" for
//     a directory that cannot be opened or read (its own size still
//     counts), "du: cannot access 'X': ..." for an entry that cannot be
//     stat'ed, names quoted as coreutils' quoteaf does in the C locale,
//     and exit status 1 after any of them.
//
// Not reproduced: options beyond -s/-b, the DU_BLOCK_SIZE, BLOCK_SIZE and
// POSIXLY_CORRECT variables, locale-dependent quoting, and fts's handling
// of directory cycles through bind mounts and of trees deeper than the
// file-descriptor limit.
package diskusage

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/syschain/syschain/runtime"
)

// Method is how entries are looked up.
type Method int

const (
	// Chains: each getdents64 buffer's entries are stat'ed by one chain of
	// statx steps on Options.Backend; opening a directory and reading its
	// first buffer is one chain too (openat → getdents64), as is reading
	// the next buffer with the last lookups.
	Chains Method = iota
	// Direct: the same loop with one plain syscall per operation.
	Direct
	// WalkDir: filepath.WalkDir and os.Lstat, as most Go programs walk a
	// tree. Entries come in lexical order, so per-directory lines and the
	// choice of which hard link counts differ from GNU du's; totals (-s)
	// do not.
	WalkDir
)

// String returns the method's name as the du command's flags spell it.
func (m Method) String() string {
	switch m {
	case Chains:
		return "chain"
	case Direct:
		return "direct"
	case WalkDir:
		return "walkdir"
	}
	return "method(" + strconv.Itoa(int(m)) + ")"
}

// Options select the output and the method.
type Options struct {
	Apparent  bool            // -b: apparent sizes in bytes (st_size), not 1 KiB blocks of st_blocks
	Summarize bool            // -s: one line per operand
	Method    Method          // how entries are looked up
	Backend   runtime.Backend // Chains' backend; nil: the default (runtime.DefaultBackend)
	// Blocking keeps the chains blocking (entered with Syscall6) on
	// memory file systems too (see memFS); for measuring what NoBlock
	// saves.
	Blocking bool
}

// Walker walks trees with fixed options. It keeps its buffers and built
// chains between runs, so timing several runs measures the walk, not the
// setup. A Walker is not safe for concurrent use.
type Walker struct {
	opt     Options
	lk      lookuper
	out     *bufio.Writer
	errw    io.Writer
	ok      bool
	hashAll bool
	seen    map[devIno]struct{}
	mem     map[uint64]bool // per device: a memory file system (memFS)
	levels  []*level
	path    []byte
	line    []byte
}

type devIno struct{ dev, ino uint64 }

// level holds one open directory's entries while its subtree is walked.
type level struct {
	ents  []entry
	names []byte // the entries' names, each NUL-terminated
}

// entry is one directory entry and what its statx said.
type entry struct {
	name   uint32 // offset of the name in level.names
	nlen   uint32
	dino   uint64 // getdents64's d_ino (for the inode sort)
	errno  unix.Errno
	mode   uint16
	nlink  uint32
	ino    uint64
	dev    uint64
	blocks uint64
	size   int64
}

func (e *entry) isDir() bool { return e.mode&unix.S_IFMT == unix.S_IFDIR }

// fatal carries an error that stops the walk (a chain the backend
// refused, say) from deep in the recursion to Run.
type fatal struct{ err error }

// NewWalker returns a Walker for opt. It fails if the backend cannot run
// the chains du needs.
func NewWalker(opt Options) (*Walker, error) {
	w := &Walker{opt: opt}
	switch opt.Method {
	case Chains:
		b := opt.Backend
		if b == nil {
			b = runtime.DefaultBackend(nil)
		}
		lk, err := newChainLookup(b)
		if err != nil {
			return nil, err
		}
		w.lk = lk
	case Direct:
		lk, err := newDirectLookup()
		if err != nil {
			return nil, err
		}
		w.lk = lk
	case WalkDir:
	default:
		return nil, fmt.Errorf("du: unknown method %d", opt.Method)
	}
	return w, nil
}

// Close releases the Walker's buffers.
func (w *Walker) Close() {
	if w.lk != nil {
		w.lk.release()
		w.lk = nil
	}
}

// Run prints the disk usage of each root to out as GNU du would, and its
// diagnostics to errw. ok is false when du would exit with status 1; err
// is an error that stopped the walk early (a backend refusing a chain, a
// failed write to out).
func (w *Walker) Run(roots []string, out, errw io.Writer) (ok bool, err error) {
	w.out = bufio.NewWriterSize(out, 64<<10)
	w.errw = errw
	w.ok = true
	w.hashAll = len(roots) > 1
	w.seen = make(map[devIno]struct{})
	w.mem = make(map[uint64]bool)
	defer func() {
		if r := recover(); r != nil {
			f, isFatal := r.(fatal)
			if !isFatal {
				panic(r)
			}
			ok, err = false, f.err
		}
	}()
	for _, root := range roots {
		if w.opt.Method == WalkDir {
			w.walkDirRoot(root)
		} else {
			w.walkRoot(root)
		}
	}
	if w.lk != nil {
		w.lk.flush()
	}
	if err := w.out.Flush(); err != nil {
		return false, fmt.Errorf("du: write error: %w", err)
	}
	return w.ok, nil
}

// rootPath trims two or more trailing slashes to one, as fts_open does.
func rootPath(root string) []byte {
	p := []byte(root)
	if len(p) > 2 && p[len(p)-1] == '/' {
		for len(p) > 1 && p[len(p)-2] == '/' {
			p = p[:len(p)-1]
		}
	}
	return p
}

func (w *Walker) walkRoot(root string) {
	if root == "" {
		w.diag("invalid zero-length file name", 0)
		return
	}
	w.path = append(w.path[:0], rootPath(root)...)
	var st entry
	if e := statRoot(root, &st); e != 0 {
		w.diag("cannot access "+string(quoteAlways(w.path)), e)
		return
	}
	if (w.hashAll || !st.isDir() && st.nlink > 1) && !w.insert(&st) {
		return
	}
	if !st.isDir() {
		w.print(w.size(&st), len(w.path), 0)
		return
	}
	w.dir(unix.AT_FDCWD, nil, root, len(w.path), &st, 0)
}

// dir walks the directory at w.path[:plen], which is name in dirfd (for
// the root, the operand path rootName relative to the working
// directory), and returns its total.
func (w *Walker) dir(dirfd int, name []byte, rootName string, plen int, st *entry, depth int) uint64 {
	total := w.size(st)
	var fd, n int
	var oerr unix.Errno
	// The open chain may be NoBlock when the directory is on a device
	// already known to be in memory; its lookups once the device is
	// known.
	mem, known := w.mem[st.dev]
	w.lk.noBlock(mem && !w.opt.Blocking)
	if name == nil {
		fd, n, oerr = w.lk.openRoot(rootName)
	} else {
		fd, n, oerr = w.lk.open(dirfd, name)
	}
	if oerr == 0 && !known {
		mem = memFS(fd)
		w.mem[st.dev] = mem
		w.lk.noBlock(mem && !w.opt.Blocking)
	}
	if oerr != 0 {
		w.diag("cannot read directory "+string(quoteAlways(w.path[:plen])), oerr)
		w.print(total, plen, depth)
		return total
	}
	for len(w.levels) <= depth {
		w.levels = append(w.levels, new(level))
	}
	lv := w.levels[depth]
	lv.ents, lv.names = lv.ents[:0], lv.names[:0]
	dents := w.lk.dents()
	for n > 0 {
		start := len(lv.ents)
		lv.ents, lv.names = parseDirents(dents[:n], lv.ents, lv.names)
		n = w.lk.statRead(fd, lv.ents[start:], lv.names)
	}
	if n < 0 {
		e := unix.Errno(-n)
		if len(lv.ents) == 0 {
			w.diag("cannot read directory "+string(quoteAlways(w.path[:plen])), e)
		} else {
			w.diag(string(quoteMaybe(w.path[:plen])), e)
		}
	}
	if len(lv.ents) > inodeSortThreshold && inodeSortUseful(fd) {
		slices.SortStableFunc(lv.ents, func(a, b entry) int {
			switch {
			case a.dino < b.dino:
				return -1
			case a.dino > b.dino:
				return 1
			}
			return 0
		})
	}
	for i := range lv.ents {
		e := &lv.ents[i]
		nm := lv.names[e.name : e.name+e.nlen]
		w.path = w.path[:plen]
		if plen == 0 || w.path[plen-1] != '/' {
			w.path = append(w.path, '/')
		}
		w.path = append(w.path, nm...)
		clen := len(w.path)
		if e.errno != 0 {
			w.diag("cannot access "+string(quoteAlways(w.path)), e.errno)
			continue
		}
		if (w.hashAll || !e.isDir() && e.nlink > 1) && !w.insert(e) {
			continue
		}
		if e.isDir() {
			total += w.dir(fd, lv.names[e.name:e.name+e.nlen+1], "", clen, e, depth+1)
		} else {
			total += w.size(e)
		}
	}
	w.lk.close(fd)
	w.print(total, plen, depth)
	return total
}

// inodeSortThreshold is gnulib fts's FTS_INODE_SORT_DIR_ENTRIES_THRESHOLD:
// above it, fts processes a directory's entries in inode order.
const inodeSortThreshold = 10000

// inodeSortUseful is gnulib's dirent_inode_sort_may_be_useful: not on
// tmpfs or NFS.
func inodeSortUseful(fd int) bool {
	var fs unix.Statfs_t
	if unix.Fstatfs(fd, &fs) != nil {
		return true
	}
	switch fs.Type {
	case unix.TMPFS_MAGIC, unix.NFS_SUPER_MAGIC:
		return false
	}
	return true
}

// memFS reports whether the directory fd is on a file system that keeps
// everything in memory (tmpfs, ramfs), where statx and getdents64 never
// wait for I/O. There the chains are NoBlock: the kernel backend enters
// them with RawSyscall6. A chain of many lookups is a long syscall, and
// through Syscall6 the Go scheduler hands the thread's P away during it
// (after 20 µs, at once when GOMAXPROCS is 1), which costs more than the
// chain saves; a step that could wait for a disk must not hold the P,
// so on other file systems the chains stay blocking.
func memFS(fd int) bool {
	var fs unix.Statfs_t
	if unix.Fstatfs(fd, &fs) != nil {
		return false
	}
	t := uint32(fs.Type) // int32 on some 32-bit arches
	return t == unix.TMPFS_MAGIC || t == unix.RAMFS_MAGIC
}

// insert adds e's file to the set of counted ones; false if it was there.
func (w *Walker) insert(e *entry) bool {
	k := devIno{e.dev, e.ino}
	if _, ok := w.seen[k]; ok {
		return false
	}
	w.seen[k] = struct{}{}
	return true
}

func (w *Walker) size(e *entry) uint64 {
	if w.opt.Apparent {
		return uint64(max(0, e.size))
	}
	return e.blocks * 512
}

// print writes "SIZE\tPATH\n" for the directory at w.path[:plen] unless
// -s hides it.
func (w *Walker) print(total uint64, plen, depth int) {
	if w.opt.Summarize && depth > 0 {
		return
	}
	if !w.opt.Apparent {
		total = (total + 1023) / 1024
	}
	w.line = strconv.AppendUint(w.line[:0], total, 10)
	w.line = append(w.line, '\t')
	w.line = append(w.line, w.path[:plen]...)
	w.line = append(w.line, '\n')
	if _, err := w.out.Write(w.line); err != nil {
		panic(fatal{fmt.Errorf("du: write error: %w", err)})
	}
}

// diag prints "du: MSG: ERRNO TEXT" (or "du: MSG" for errno 0) and makes
// the run fail.
func (w *Walker) diag(msg string, e unix.Errno) {
	w.ok = false
	s := "du: " + msg
	if e != 0 {
		s += ": " + errnoText(e)
	}
	io.WriteString(w.errw, s+"\n")
}

// errnoText is glibc's strerror text: Go's, which is glibc's with a lower
// case first letter.
func errnoText(e unix.Errno) string {
	s := e.Error()
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		s = string(s[0]-'a'+'A') + s[1:]
	}
	return s
}

// parseDirents appends the entries of a getdents64 buffer, except "." and
// "..", with their names NUL-terminated in names.
func parseDirents(buf []byte, ents []entry, names []byte) ([]entry, []byte) {
	for len(buf) >= 19 {
		reclen := int(buf[16]) | int(buf[17])<<8
		if reclen < 19 || reclen > len(buf) {
			break
		}
		nm := buf[19:reclen]
		for i, b := range nm {
			if b == 0 {
				nm = nm[:i]
				break
			}
		}
		if !(len(nm) == 1 && nm[0] == '.' || len(nm) == 2 && nm[0] == '.' && nm[1] == '.') {
			var dino uint64
			for i := 7; i >= 0; i-- {
				dino = dino<<8 | uint64(buf[i])
			}
			ents = append(ents, entry{name: uint32(len(names)), nlen: uint32(len(nm)), dino: dino})
			names = append(names, nm...)
			names = append(names, 0)
		}
		buf = buf[reclen:]
	}
	return ents, names
}

// fillStatx records a statx result in e.
func fillStatx(e *entry, r int64, sx *unix.Statx_t) {
	if r < 0 {
		e.errno = unix.Errno(-r)
		return
	}
	e.errno = 0
	e.mode = sx.Mode
	e.nlink = sx.Nlink
	e.ino = sx.Ino
	e.dev = uint64(sx.Dev_major)<<32 | uint64(sx.Dev_minor)
	e.blocks = sx.Blocks
	e.size = int64(sx.Size)
}

// statx flags and mask: du's fstatat(AT_SYMLINK_NOFOLLOW), which never
// triggers an automount.
const (
	statxFlags = unix.AT_SYMLINK_NOFOLLOW | unix.AT_NO_AUTOMOUNT
	statxMask  = unix.STATX_TYPE | unix.STATX_MODE | unix.STATX_NLINK | unix.STATX_INO | unix.STATX_SIZE | unix.STATX_BLOCKS
	// openFlags opens a directory to read it, as fts does: never a
	// symlink, never a controlling terminal.
	openFlags = unix.O_RDONLY | unix.O_DIRECTORY | unix.O_NOFOLLOW | unix.O_CLOEXEC | unix.O_NOCTTY | unix.O_NONBLOCK
)

// statRoot stats an operand (not following a final symlink).
func statRoot(path string, e *entry) unix.Errno {
	var sx unix.Statx_t
	err := unix.Statx(unix.AT_FDCWD, path, statxFlags, statxMask, &sx)
	if err != nil {
		var en unix.Errno
		if errors.As(err, &en) {
			return en
		}
		return unix.EINVAL
	}
	fillStatx(e, 0, &sx)
	return 0
}
