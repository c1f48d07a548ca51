package main

import (
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/syschain/syschain/gen"
	"github.com/syschain/syschain/gen/xtypes"
)

const generateManual = `syschain-gen writes typed syscall-chain builders: a Chain type with one
method per syscall, each adding a step with the kernel's parameters as Go
types, for every Linux GOARCH asked for.

Usage:

	syschain-gen -syscalls openat,read,write,close [flags]   a chosen set
	syschain-gen -all [flags]                                every syscall
	syschain-gen -report [-arch LIST]                        typing coverage
	syschain-gen tables -kernel PATH -out tables/            regenerate tables
	syschain-gen list -arch ARCH                             print a table

In a client repository:

	go get -tool github.com/syschain/syschain/cmd/syschain-gen
	go get github.com/syschain/syschain/runtime golang.org/x/sys/unix

or, with a local checkout of syschain next to the module (before it is
published; the README's client steps, which a test runs verbatim):

	go mod edit -require=github.com/syschain/syschain@v0.0.0 \
		-replace=github.com/syschain/syschain=../syschain \
		-tool=github.com/syschain/syschain/cmd/syschain-gen
	go mod tidy   # once a file imports x/sys/unix and syschain's runtime

and in one file of the package that builds chains:

	//go:generate go tool syschain-gen -syscalls openat,read,write,close

go generate then writes, next to that file,

	zchain_linux.go          the Chain type, New, When/Continue/Goto/...
	zchain_linux_<arch>.go   the methods for one GOARCH (//go:build linux && <arch>)

and the package uses them:

	c := New()
	c.Openat(unix.AT_FDCWD, "/etc/hostname", unix.O_RDONLY, 0).
		Read(runtime.Ret(0), buf, len(buf)).
		Close(runtime.Ret(0))
	res, err := c.Run()

Types: fds, flags, sizes and addresses are int and take runtime.Ret(i)
(step i's result) and x/sys/unix constants as they are; 64-bit values
(loff_t, u64) are int64 on every arch and are split into the register pair
the arch needs; const char * is string; a buffer and its length are []byte
and int (a literal length is checked against the slice when the chain is
built); argv/envp are []string; structs that x/sys/unix declares for the
arch are *unix.T (a struct array and its count are []unix.T and int, the
count bounded by the slice), other pointers unsafe.Pointer. Mmap takes a
byte offset everywhere: on 32-bit arches it calls mmap2 with the offset in
pages, on s390x old_mmap with its arguments in a block (no Ret there); the
arch's own mmap is then OldMmap. A C unsigned constant above 1<<31 needs
int(int32(v)) on 32-bit arches, where int has 32 bits.

A syscall missing on one of the arches asked for is an error that names
the arches that have it; limit -arch, or drop the syscall. x/sys-named
portable methods (-syscalls stat,pread,open,...) exist on every arch, mapped
to the arch's syscall (stat64, newfstatat, ...), which is generated with
them. Syscalls on the runtime's deny list (execve, clone, exit_group, ...)
have no method and are refused here. With -arch, a build for an arch left
out fails with a sentence saying to add it.

Every generated file names the command that made it, checks its syscall
numbers against unix.SYS_* at compile time and pins the runtime's
generated-code version: a stale file fails to build; run go generate again.

Flags:
`

// runGenerate is the default subcommand: generate builders.
func runGenerate(stdout, stderr io.Writer, args []string) error {
	job, err := prepare(stdout, stderr, args, "")
	if err != nil || job == nil {
		return err
	}
	return writeFiles(job)
}

func writeFiles(j *job) error { return gen.WriteFiles(j.out, j.prefix, j.files) }

// job is a generation whose files are made but not yet written.
type job struct {
	out, prefix string
	files       []gen.File
}

// prepare parses args and generates the files in memory; dir is the
// directory -out is relative to ("" for the current one). A nil job with
// a nil error means there is nothing to write (-report).
func prepare(stdout, stderr io.Writer, args []string, dir string) (*job, error) {
	fs := flag.NewFlagSet("syschain-gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	syscalls := fs.String("syscalls", "", "comma-separated `names` of the syscalls to generate (table names like pread64, or method names)")
	all := fs.Bool("all", false, "generate every syscall of every arch (what generated/ holds)")
	arch := fs.String("arch", "", "comma-separated `GOARCHes` to generate for (default: every Linux GOARCH with a table)")
	out := fs.String("out", ".", "output `directory` (the package's directory)")
	pkg := fs.String("pkg", os.Getenv("GOPACKAGE"), "Go `package` name of the output (default $GOPACKAGE, set by go generate)")
	prefix := fs.String("prefix", "zchain", "output file name `prefix`: PREFIX_linux.go, PREFIX_linux_<arch>.go")
	report := fs.Bool("report", false, "print, per arch, the share of syscalls whose parameters are all typed, and write nothing")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), generateManual)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, fmt.Errorf("%v (syschain-gen -h shows the flags)", err)
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q: syscalls go in -syscalls a,b,c (syschain-gen -h shows the flags)", fs.Arg(0))
	}
	arches := splitList(*arch)
	names := splitList(*syscalls)
	outDir := *out
	if dir != "" && !filepath.IsAbs(outDir) {
		outDir = filepath.Join(dir, outDir)
	}

	if *report {
		xdir, err := xtypes.Locate(outDir)
		if err != nil {
			return nil, err
		}
		archs, err := gen.Load(arches, &xtypes.Cache{Dir: xdir})
		if err != nil {
			return nil, err
		}
		return nil, gen.Report(stdout, archs)
	}
	switch {
	case *all && len(names) > 0:
		return nil, fmt.Errorf("-all and -syscalls both given: pass one of them")
	case !*all && len(names) == 0:
		return nil, fmt.Errorf("no syscalls chosen: pass -syscalls a,b,c (or -all for every syscall)")
	}
	if *prefix == "" || strings.ContainsAny(*prefix, `/\`) {
		return nil, fmt.Errorf("-prefix %q: want a plain file name prefix such as zchain", *prefix)
	}
	if fi, err := os.Stat(outDir); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("-out %s: not a directory (create it first)", *out)
	}

	client, err := loadClient(outDir, *prefix)
	if err != nil {
		return nil, err
	}
	if *pkg == "" {
		*pkg = client.name
	}
	if *pkg == "" {
		return nil, fmt.Errorf("no package name: run from go generate (which sets $GOPACKAGE) or pass -pkg NAME")
	}
	if client.name != "" && client.name != *pkg {
		return nil, fmt.Errorf("-pkg %s but the Go files in %s are package %s: pass -pkg %s", *pkg, *out, client.name, client.name)
	}

	files, err := gen.Generate(gen.Config{
		Package:  *pkg,
		Arches:   arches,
		Syscalls: names,
		Prefix:   *prefix,
		Command:  "syschain-gen " + strings.Join(args, " "),
		Unix:     &xtypes.Cache{Dir: client.unixDir},
	})
	if err != nil {
		return nil, err
	}
	if err := client.checkClashes(files); err != nil {
		return nil, err
	}
	return &job{out: outDir, prefix: *prefix, files: files}, nil
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// client is what the generator needs to know about the output package.
type client struct {
	name    string            // package name, "" if the directory has no Go files yet
	unixDir string            // golang.org/x/sys/unix as the client's module resolves it
	decls   map[string]string // top-level names declared by the client's own files → position
	methods map[string]string // methods on Chain declared by the client's own files → position
}

// loadClient loads the package in dir and x/sys/unix in one go/packages
// call (one `go list`), skipping the generator's own earlier output so that
// regenerating is not a clash with itself.
func loadClient(dir, prefix string) (*client, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedSyntax,
		Dir:  abs,
		Env:  append(os.Environ(), "GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0"),
	}
	patterns := []string{xtypes.ImportPath}
	hasGo := ownGoFiles(abs, prefix)
	if hasGo {
		patterns = append(patterns, ".")
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return nil, fmt.Errorf("loading the package in %s: %s%s", dir, oneLine(err), moduleHint(err))
	}
	c := &client{decls: map[string]string{}, methods: map[string]string{}}
	for _, p := range pkgs {
		if p.PkgPath == xtypes.ImportPath {
			continue
		}
		for _, e := range p.Errors {
			if isOwnFile(e.Pos, prefix) {
				continue
			}
			if h := moduleHint(e); h != "" {
				return nil, fmt.Errorf("package in %s: %s%s", dir, oneLine(e), h)
			}
			return nil, fmt.Errorf("package in %s is broken: %s (fix it, then run go generate again)", dir, oneLine(e))
		}
		c.name = p.Name
		for _, f := range p.Syntax {
			pos := p.Fset.Position(f.Pos())
			if isOwnFile(pos.Filename, prefix) {
				continue
			}
			c.collect(p, f)
		}
	}
	if c.unixDir, err = xtypes.DirOf(pkgs); err != nil {
		return nil, fmt.Errorf("%s: %s", dir, oneLine(err))
	}
	return c, nil
}

// moduleHint names the fix for a client module that does not require
// x/sys/unix (or syschain) directly: the go command's own advice there
// ("go mod tidy") changes nothing while no file imports them yet.
func moduleHint(v any) string {
	msg := fmt.Sprint(v)
	if !strings.Contains(msg, "go.mod") && !strings.Contains(msg, "no required module") && !strings.Contains(msg, "golang.org/x/sys") {
		return ""
	}
	return "; the fix: go get golang.org/x/sys/unix github.com/syschain/syschain/runtime (the README's client steps)"
}

// oneLine folds the go command's multi-line messages ("...; to add it:\n\tgo
// get ...") into one line.
func oneLine(v any) string {
	s := strings.TrimSpace(fmt.Sprint(v))
	s = strings.ReplaceAll(s, ":\n\t", ": ")
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", "; ")), " ")
}

func (c *client) collect(p *packages.Package, f *ast.File) {
	at := func(n ast.Node) string {
		pos := p.Fset.Position(n.Pos())
		return fmt.Sprintf("%s:%d", filepath.Base(pos.Filename), pos.Line)
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				c.decls[d.Name.Name] = at(d)
				continue
			}
			if len(d.Recv.List) == 1 && recvName(d.Recv.List[0].Type) == "Chain" {
				c.methods[d.Name.Name] = at(d)
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					c.decls[s.Name.Name] = at(s)
				case *ast.ValueSpec:
					for _, n := range s.Names {
						c.decls[n.Name] = at(n)
					}
				}
			}
		}
	}
}

func recvName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.StarExpr:
		return recvName(e.X)
	case *ast.Ident:
		return e.Name
	case *ast.IndexExpr:
		return recvName(e.X)
	}
	return ""
}

// checkClashes refuses output that would redeclare a name the client's own
// files declare; the compiler would report it too, but only after the
// client's build broke.
func (c *client) checkClashes(files []gen.File) error {
	if len(c.decls) == 0 && len(c.methods) == 0 {
		return nil
	}
	declared, methods := gen.Declared(files)
	var clashes []string
	for _, n := range declared {
		if pos, ok := c.decls[n]; ok {
			clashes = append(clashes, fmt.Sprintf("%s (%s)", n, pos))
		}
	}
	for _, n := range methods {
		if pos, ok := c.methods[n]; ok {
			clashes = append(clashes, fmt.Sprintf("Chain.%s (%s)", n, pos))
		}
	}
	if len(clashes) > 0 {
		sort.Strings(clashes)
		return fmt.Errorf("the package already declares %s, which the generated code declares too: rename yours, or generate into its own package with -out DIR", strings.Join(clashes, ", "))
	}
	return nil
}

// ownGoFiles reports whether dir has Go files other than the generator's.
func ownGoFiles(dir, prefix string) bool {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range ents {
		n := e.Name()
		if strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go") && !isOwnFile(n, prefix) {
			return true
		}
	}
	return false
}

// isOwnFile reports whether a file name (or a position string starting
// with one) is the generator's output.
func isOwnFile(s, prefix string) bool {
	base := filepath.Base(s)
	return strings.HasPrefix(base, prefix+"_linux") || strings.HasPrefix(base, "."+prefix+"_linux")
}
