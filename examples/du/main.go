// Command du prints disk usage as GNU du does, byte for byte, for
// `du DIR`, `du -s DIR` and `du -b`/`du -s -b DIR`, looking up the entries
// of each directory with one syscall chain per getdents64 buffer:
//
//	go run ./examples/du -s /usr/share
//	go run ./examples/du -backend interp -b /etc
//	go run ./examples/du -direct /etc      # the same loop with plain syscalls
//	go run ./examples/du -walkdir -s /etc  # filepath.WalkDir + os.Lstat
//
// Flags:
//
//	-s          one line per operand (GNU du -s)
//	-b          apparent size in bytes (GNU du -b)
//	-backend B  the chains' backend: kernel, interp or uring (default: the
//	            runtime's choice, kernel where sys_chain exists)
//	-direct     no chains: one plain syscall per operation
//	-walkdir    no chains: filepath.WalkDir and os.Lstat (lexical order, so
//	            only -s output matches GNU du)
//
// The engine, and what of GNU du it reproduces, is package
// examples/du/diskusage. The exit status is 1 after any diagnostic, as
// du's.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/syschain/syschain/examples/du/diskusage"
	"github.com/syschain/syschain/runtime"
)

func main() {
	fs := flag.NewFlagSet("du", flag.ContinueOnError)
	summarize := fs.Bool("s", false, "display only a total for each argument")
	apparent := fs.Bool("b", false, "apparent size in bytes")
	backend := fs.String("backend", "", "chain backend: kernel, interp or uring (default: the runtime's choice)")
	direct := fs.Bool("direct", false, "plain syscalls instead of chains")
	walkdir := fs.Bool("walkdir", false, "filepath.WalkDir and os.Lstat instead of chains")
	fs.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: du [-s] [-b] [-backend kernel|interp|uring | -direct | -walkdir] [FILE]...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(1)
	}
	opt := diskusage.Options{Apparent: *apparent, Summarize: *summarize}
	switch {
	case *direct && *walkdir, (*direct || *walkdir) && *backend != "":
		fmt.Fprintln(os.Stderr, "du: choose one of -backend, -direct and -walkdir")
		os.Exit(1)
	case *direct:
		opt.Method = diskusage.Direct
	case *walkdir:
		opt.Method = diskusage.WalkDir
	case *backend != "":
		b, err := runtime.BackendByName(*backend)
		if err != nil {
			fmt.Fprintln(os.Stderr, "du:", err)
			os.Exit(1)
		}
		opt.Backend = b
	}
	roots := fs.Args()
	if len(roots) == 0 {
		roots = []string{"."}
	}
	w, err := diskusage.NewWalker(opt)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ok, err := w.Run(roots, os.Stdout, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if !ok {
		os.Exit(1)
	}
}
