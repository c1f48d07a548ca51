// Package xtypes answers the generator's questions about golang.org/x/sys/unix
// for one Linux GOARCH: which SYS_* constants it declares (and their values),
// and which types it declares.
//
// Generated code names unix.SYS_* in its compile-time number checks and
// unix.Stat_t and friends in its signatures, so both must exist in the x/sys
// version the *client* module builds with, not the one the generator was built
// with. Locate therefore asks the go command (through go/packages) where the
// client module's golang.org/x/sys/unix lives; the per-arch files are then read
// with go/parser. Parsing, rather than type-checking through go/packages per
// GOARCH, costs a few milliseconds instead of seconds per arch and also works
// for the gccgo-only arches (ppc, sparc64) that go/packages cannot load.
package xtypes

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/tools/go/packages"
)

// ImportPath is the package generated code uses for numbers and types.
const ImportPath = "golang.org/x/sys/unix"

// Unix is what x/sys/unix declares for one GOARCH.
type Unix struct {
	GoArch string
	Consts map[string]int64    // SYS_* constants by name, e.g. "SYS_READ": 0
	Types  map[string]struct{} // exported type names, e.g. "Stat_t"
}

// HasType reports whether unix.<name> is a type on this arch.
func (u *Unix) HasType(name string) bool {
	if u == nil {
		return false
	}
	_, ok := u.Types[name]
	return ok
}

// SysConst returns the name of the SYS_* constant for a syscall table name
// ("pread64" → "SYS_PREAD64") and whether x/sys declares it with number nr.
// A constant with another value is reported as absent: the generator then
// leaves the number unchecked and the tables' own cross-check against x/sys
// is where the disagreement belongs.
func (u *Unix) SysConst(name string, nr int) (string, bool) {
	if u == nil {
		return "", false
	}
	c := "SYS_" + strings.ToUpper(strings.TrimLeft(name, "_"))
	if strings.HasPrefix(name, "_") {
		// x/sys spells _llseek and _newselect as SYS__LLSEEK, SYS__NEWSELECT.
		c = "SYS_" + strings.ToUpper(name)
	}
	v, ok := u.Consts[c]
	return c, ok && v == int64(nr)
}

// Locate returns the directory of golang.org/x/sys/unix as the module in dir
// resolves it. dir "" means the current directory.
func Locate(dir string) (string, error) {
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles,
		Dir:  dir,
		Env:  append(os.Environ(), "GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0"),
	}
	pkgs, err := packages.Load(cfg, ImportPath)
	if err != nil {
		return "", fmt.Errorf("locating %s: %v", ImportPath, err)
	}
	return DirOf(pkgs)
}

// DirOf picks x/sys/unix's directory out of a go/packages result, so a caller
// that loads its own package too can do it in one `go list` run.
func DirOf(pkgs []*packages.Package) (string, error) {
	for _, p := range pkgs {
		if p.PkgPath != ImportPath {
			continue
		}
		if len(p.Errors) > 0 {
			return "", fmt.Errorf("%s: %v (is it in go.mod? run `go get %s`)", ImportPath, p.Errors[0], ImportPath)
		}
		if len(p.GoFiles) == 0 {
			return "", fmt.Errorf("%s: no Go files found (run `go get %s`)", ImportPath, ImportPath)
		}
		return filepath.Dir(p.GoFiles[0]), nil
	}
	return "", fmt.Errorf("%s not found (run `go get %s`)", ImportPath, ImportPath)
}

// Cache reads x/sys/unix for many arches, each file once, concurrently safe.
type Cache struct {
	Dir string

	mu    sync.Mutex
	files map[string]*fileOnce
}

type fileOnce struct {
	once   sync.Once
	consts map[string]int64
	types  []string
	err    error
}

// Load returns what x/sys/unix in c.Dir declares for linux/goarch.
func (c *Cache) Load(goarch string) (*Unix, error) {
	u := &Unix{GoArch: goarch, Consts: map[string]int64{}, Types: map[string]struct{}{}}
	// The generated declarations live in these files; the hand-written
	// files declare no SYS_* constants and no struct types that syscalls take.
	names := []string{"ztypes_linux.go", "ztypes_linux_" + goarch + ".go", "zsysnum_linux_" + goarch + ".go"}
	for _, n := range names {
		f := c.file(n)
		if f.err != nil {
			if os.IsNotExist(f.err) && n != "ztypes_linux.go" {
				return nil, fmt.Errorf("%s: x/sys/unix has no %s: linux/%s is not supported by this x/sys version", c.Dir, n, goarch)
			}
			return nil, f.err
		}
		for k, v := range f.consts {
			u.Consts[k] = v
		}
		for _, t := range f.types {
			u.Types[t] = struct{}{}
		}
	}
	return u, nil
}

func (c *Cache) file(name string) *fileOnce {
	c.mu.Lock()
	if c.files == nil {
		c.files = map[string]*fileOnce{}
	}
	f := c.files[name]
	if f == nil {
		f = &fileOnce{}
		c.files[name] = f
	}
	c.mu.Unlock()
	f.once.Do(func() { f.consts, f.types, f.err = parseFile(filepath.Join(c.Dir, name)) })
	return f
}

// parseFile collects integer constants named SYS_* and exported type names.
func parseFile(path string) (map[string]int64, []string, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, nil, fmt.Errorf("parsing x/sys: %v", err)
	}
	consts := map[string]int64{}
	var types []string
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, s := range g.Specs {
			switch s := s.(type) {
			case *ast.TypeSpec:
				if s.Name.IsExported() {
					types = append(types, s.Name.Name)
				}
			case *ast.ValueSpec:
				if g.Tok != token.CONST {
					continue
				}
				for i, n := range s.Names {
					if !strings.HasPrefix(n.Name, "SYS_") || i >= len(s.Values) {
						continue
					}
					lit, ok := s.Values[i].(*ast.BasicLit)
					if !ok || lit.Kind != token.INT {
						continue
					}
					v, err := strconv.ParseInt(lit.Value, 0, 64)
					if err == nil {
						consts[n.Name] = v
					}
				}
			}
		}
	}
	return consts, types, nil
}
