// Package xsys reads golang.org/x/sys/unix's syscall numbers (its SYS_*
// constants) for any Linux GOARCH, from the x/sys version the current
// module requires.
//
// Numbers are what the tables are checked against: x/sys/unix is what Go
// programs actually call with, and its zsysnum_linux_*.go files are
// generated from a newer kernel than the tree tables come from.
//
// For 13 GOARCHes the package is type-checked with golang.org/x/tools/go/packages
// (GOOS=linux GOARCH=... CGO_ENABLED=0), so a constant is read exactly as
// the compiler sees it. gc cannot type-check ppc and sparc64 (gccgo-only
// arches: go/packages fails or returns nothing), so for those the package's
// files are selected by their //go:build lines and parsed with go/parser.
package xsys

import (
	"fmt"
	"go/ast"
	"go/build/constraint"
	"go/constant"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/tools/go/packages"
)

// UnixPath is the package the numbers come from.
const UnixPath = "golang.org/x/sys/unix"

// parseOnly are the GOARCHes go/packages cannot type-check.
var parseOnly = map[string]bool{"ppc": true, "sparc64": true}

// NotSyscalls are SYS_ constants that are not syscall numbers, by GOARCH
// ("*" for all). They are left out of SysNums.
var NotSyscalls = map[string]map[string]string{
	"arm": {
		// A mask over the number range in arch/arm/include/uapi/asm/unistd.h.
		"SYSCALL_MASK": "mask of the number range, not a syscall",
	},
	"*": {
		// The start of the arch's private range: __ARM_NR_BASE on arm,
		// __NR_arch_specific_syscall (244) in asm-generic/unistd.h.
		"ARCH_SPECIFIC_SYSCALL": "start of the arch-private range, not a syscall",
		// An alias x/sys keeps for source compatibility: the syscall is
		// newfstatat (SYS_NEWFSTATAT / SYS_FSTATAT64 have the number).
		"FSTATAT": "alias of newfstatat",
	},
}

func notSyscall(goarch, name string) bool {
	if _, ok := NotSyscalls["*"][name]; ok {
		return true
	}
	_, ok := NotSyscalls[goarch][name]
	return ok
}

var (
	cacheMu sync.Mutex
	cache   = map[string]map[string]int{}
)

// SysNums returns x/sys/unix's syscall numbers for a Linux GOARCH, keyed
// by the kernel's name (lower case: SYS_PREAD64 is "pread64"). The result
// is cached and must not be modified.
func SysNums(goarch string) (map[string]int, error) {
	cacheMu.Lock()
	defer cacheMu.Unlock()
	if m, ok := cache[goarch]; ok {
		return m, nil
	}
	var raw map[string]int64
	var err error
	if parseOnly[goarch] {
		raw, err = parseConsts(goarch)
	} else {
		raw, err = loadConsts(goarch)
	}
	if err != nil {
		return nil, err
	}
	m := map[string]int{}
	for name, v := range raw {
		short, ok := strings.CutPrefix(name, "SYS_")
		if !ok || notSyscall(goarch, short) {
			continue
		}
		m[strings.ToLower(short)] = int(v)
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("xsys: %s declares no SYS_ constants for linux/%s", UnixPath, goarch)
	}
	cache[goarch] = m
	return m, nil
}

// loadConsts type-checks x/sys/unix for linux/goarch.
func loadConsts(goarch string) (map[string]int64, error) {
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedTypes | packages.NeedFiles,
		Env:  append(os.Environ(), "GOOS=linux", "GOARCH="+goarch, "CGO_ENABLED=0"),
	}
	pkgs, err := packages.Load(cfg, UnixPath)
	if err != nil {
		return nil, fmt.Errorf("xsys: loading %s for linux/%s: %v", UnixPath, goarch, err)
	}
	if len(pkgs) != 1 || pkgs[0].Types == nil {
		return nil, fmt.Errorf("xsys: loading %s for linux/%s: got %d packages (is it required in go.mod?)", UnixPath, goarch, len(pkgs))
	}
	if len(pkgs[0].Errors) > 0 {
		return nil, fmt.Errorf("xsys: loading %s for linux/%s: %v", UnixPath, goarch, pkgs[0].Errors[0])
	}
	out := map[string]int64{}
	scope := pkgs[0].Types.Scope()
	for _, name := range scope.Names() {
		c, ok := scope.Lookup(name).(*types.Const)
		if !ok || !strings.HasPrefix(name, "SYS_") {
			continue
		}
		v, exact := constant.Int64Val(c.Val())
		if !exact {
			return nil, fmt.Errorf("xsys: linux/%s: %s = %v is not an int64", goarch, name, c.Val())
		}
		out[name] = v
	}
	return out, nil
}

// Dir returns the directory of the x/sys/unix package the current module
// builds with.
func Dir() (string, error) {
	pkgs, err := packages.Load(&packages.Config{Mode: packages.NeedName | packages.NeedFiles}, UnixPath)
	if err != nil {
		return "", fmt.Errorf("xsys: locating %s: %v", UnixPath, err)
	}
	if len(pkgs) != 1 || len(pkgs[0].GoFiles) == 0 {
		return "", fmt.Errorf("xsys: locating %s: no files (is it required in go.mod?)", UnixPath)
	}
	return filepath.Dir(pkgs[0].GoFiles[0]), nil
}

// parseConsts reads the SYS_ constants of the package's linux/goarch files
// with go/parser; only integer literals are expected (zsysnum files are
// generated that way).
func parseConsts(goarch string) (map[string]int64, error) {
	dir, err := Dir()
	if err != nil {
		return nil, err
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	out := map[string]int64{}
	var files []string
	for _, e := range ents {
		if !strings.HasPrefix(e.Name(), "zsysnum_linux") || !strings.HasSuffix(e.Name(), ".go") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return nil, fmt.Errorf("xsys: %v", err)
		}
		if !matches(f, e.Name(), goarch) {
			continue
		}
		files = append(files, e.Name())
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if !strings.HasPrefix(n.Name, "SYS_") || i >= len(vs.Values) {
						continue
					}
					lit, ok := vs.Values[i].(*ast.BasicLit)
					if !ok || lit.Kind != token.INT {
						return nil, fmt.Errorf("xsys: %s: %s is not an integer literal", fset.Position(n.Pos()), n.Name)
					}
					v, err := strconv.ParseInt(lit.Value, 0, 64)
					if err != nil {
						return nil, fmt.Errorf("xsys: %s: %s: %v", fset.Position(n.Pos()), n.Name, err)
					}
					out[n.Name] = v
				}
			}
		}
	}
	if len(files) != 1 {
		sort.Strings(files)
		return nil, fmt.Errorf("xsys: want one zsysnum file for linux/%s in %s, found %d %v", goarch, dir, len(files), files)
	}
	return out, nil
}

// matches reports whether a file is built for linux/goarch (its
// //go:build line, else its _GOOS_GOARCH file name).
func matches(f *ast.File, name, goarch string) bool {
	tags := func(tag string) bool { return tag == "linux" || tag == goarch || tag == "unix" }
	for _, cg := range f.Comments {
		if cg.Pos() > f.Package {
			break
		}
		for _, c := range cg.List {
			if constraint.IsGoBuild(c.Text) {
				expr, err := constraint.Parse(c.Text)
				if err != nil {
					return false
				}
				return expr.Eval(tags)
			}
		}
	}
	return strings.HasSuffix(name, "_linux_"+goarch+".go")
}
