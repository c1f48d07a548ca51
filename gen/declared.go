package gen

import (
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
)

// Declared lists the package-level names and the Chain methods that files
// declare (init excluded), sorted, so a caller can refuse clashes with a
// client package before writing anything.
func Declared(files []File) (names, methods []string) {
	seenN, seenM := map[string]bool{}, map[string]bool{}
	fset := token.NewFileSet()
	for _, f := range files {
		af, err := parser.ParseFile(fset, f.Name, f.Data, parser.SkipObjectResolution)
		if err != nil {
			continue // our own output always parses; Generate ran gofmt on it
		}
		for _, d := range af.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					if d.Name.Name != "init" && d.Name.Name != "_" {
						seenN[d.Name.Name] = true
					}
				} else {
					seenM[d.Name.Name] = true
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						seenN[s.Name.Name] = true
					case *ast.ValueSpec:
						for _, n := range s.Names {
							if n.Name != "_" {
								seenN[n.Name] = true
							}
						}
					}
				}
			}
		}
	}
	for n := range seenN {
		names = append(names, n)
	}
	for n := range seenM {
		methods = append(methods, n)
	}
	sort.Strings(names)
	sort.Strings(methods)
	return names, methods
}
