package diskusage

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// walkDirRoot is the WalkDir method: filepath.WalkDir, and os.Lstat for
// every entry, as most Go programs walk a tree. WalkDir visits entries in
// lexical order and has no postorder visit, so directory totals are kept
// on a stack and a directory's line is printed when the walk leaves it.
func (w *Walker) walkDirRoot(root string) {
	type frame struct {
		path  string
		total uint64
	}
	var stack []frame
	pop := func() {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		w.path = append(w.path[:0], f.path...)
		w.print(f.total, len(w.path), len(stack))
		if len(stack) > 0 {
			stack[len(stack)-1].total += f.total
		}
	}
	inside := func(dir, p string) bool {
		if strings.HasSuffix(dir, "/") {
			return strings.HasPrefix(p, dir)
		}
		return len(p) > len(dir) && p[len(dir)] == '/' && strings.HasPrefix(p, dir)
	}
	if root == "" {
		w.diag("invalid zero-length file name", 0)
		return
	}
	root = string(rootPath(root))
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil && len(stack) > 0 && stack[len(stack)-1].path == p {
			// The second visit of a directory that could not be read.
			w.diag("cannot read directory "+string(quoteAlways([]byte(p))), errnoOf(err))
			return nil
		}
		for len(stack) > 0 && !inside(stack[len(stack)-1].path, p) {
			pop()
		}
		if err != nil {
			w.diag("cannot access "+string(quoteAlways([]byte(p))), errnoOf(err))
			return nil
		}
		fi, err := os.Lstat(p)
		if err != nil {
			w.diag("cannot access "+string(quoteAlways([]byte(p))), errnoOf(err))
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		st := fi.Sys().(*syscall.Stat_t)
		e := entry{mode: uint16(st.Mode), nlink: uint32(st.Nlink), ino: st.Ino, dev: uint64(st.Dev), blocks: uint64(st.Blocks), size: st.Size}
		if (w.hashAll || !e.isDir() && e.nlink > 1) && !w.insert(&e) {
			if e.isDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if e.isDir() {
			stack = append(stack, frame{path: p, total: w.size(&e)})
			return nil
		}
		if len(stack) == 0 { // a file operand
			w.path = append(w.path[:0], p...)
			w.print(w.size(&e), len(w.path), 0)
			return nil
		}
		stack[len(stack)-1].total += w.size(&e)
		return nil
	})
	for len(stack) > 0 {
		pop()
	}
}

// errnoOf returns the errno inside err (an *fs.PathError), or EIO.
func errnoOf(err error) syscall.Errno {
	for err != nil {
		if x, ok := err.(syscall.Errno); ok {
			return x
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			break
		}
		err = u.Unwrap()
	}
	return syscall.EIO
}
