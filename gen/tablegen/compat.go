package tablegen

// The compatibility check with an older kernel: tables regenerated from
// an older tree (Linux 6.1, whose arm64, riscv64 and loong64 numbers come
// from asm-generic/unistd.h) must agree with the committed tables (from a
// newer tree, whose same arches read scripts/syscall.tbl) on every call
// both have, so the two layouts and the signature scan are proven to give
// the same rows. What may differ:
//
//   - the syscalls the older tree lacks (rows only the newer tables have,
//     or numbers the older tree only reserves): listed, never an error;
//   - changes the kernel itself made after the older release to a call
//     both have (a removed call, a retyped parameter): each must be named
//     in the expectations file (tables/compat-6.1.txt), with why, and an
//     expectation that matches nothing is an error too.
//
// Anything else, and every row the newer tables lost, fails.

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/syschain/syschain/tables"
)

// CompatExpect is one line of the expectations file:
//
//	arches	name	kind	why
//
// arches is "*" or GOARCH,GOARCH; kind is a Change kind other than
// "added" and "implemented" (those are the older tree lacking a call,
// which needs no line): "changed", "unimplemented", "renamed" or
// "removed".
type CompatExpect struct {
	Arches []string
	Name   string
	Kind   string
	Why    string
	Where  string // file:line
	used   bool
}

func (e *CompatExpect) appliesTo(goarch string) bool {
	for _, a := range e.Arches {
		if a == "*" || a == goarch {
			return true
		}
	}
	return false
}

// ReadCompatExpect reads an expectations file.
func ReadCompatExpect(path string) ([]*CompatExpect, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("compatibility expectations: %v", err)
	}
	name := path
	var out []*CompatExpect
	sc := bufio.NewScanner(bytes.NewReader(data))
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if strings.TrimSpace(text) == "" || strings.HasPrefix(strings.TrimSpace(text), "#") {
			continue
		}
		where := fmt.Sprintf("%s:%d", name, line)
		cols := strings.Split(text, "\t")
		if len(cols) != 4 {
			return nil, fmt.Errorf("%s: %d tab-separated columns, want 4 (arches, name, kind, why)", where, len(cols))
		}
		e := &CompatExpect{Name: strings.TrimSpace(cols[1]), Kind: strings.TrimSpace(cols[2]), Why: strings.TrimSpace(cols[3]), Where: where}
		for _, a := range strings.Split(strings.TrimSpace(cols[0]), ",") {
			if _, ok := TargetFor(a); !ok && a != "*" {
				return nil, fmt.Errorf("%s: arches: unknown GOARCH %q", where, a)
			}
			e.Arches = append(e.Arches, a)
		}
		switch e.Kind {
		case "changed", "unimplemented", "renamed", "removed":
		default:
			return nil, fmt.Errorf("%s: kind %q: want changed, unimplemented, renamed or removed (a call the older tree lacks needs no line)", where, e.Kind)
		}
		if !isIdent(e.Name) {
			return nil, fmt.Errorf("%s: name %q is not a syscall name", where, e.Name)
		}
		if e.Why == "" {
			return nil, fmt.Errorf("%s: empty why column: say what the kernel changed, and where", where)
		}
		out = append(out, e)
	}
	return out, sc.Err()
}

// CompatResult is what the check found, per GOARCH in order.
type CompatResult struct {
	Arches   []string
	Lacks    map[string][]Change // the calls the older tree lacks
	Expected map[string][]Change // kernel changes named in the expectations
	Compared map[string]int      // rows both have that were compared
	Errors   []string
}

// CheckCompat compares tables built from an older tree with the current
// ones, arch by arch (both must cover the same GOARCHes).
func CheckCompat(older, current []*tables.Arch, expect []*CompatExpect) *CompatResult {
	res := &CompatResult{Lacks: map[string][]Change{}, Expected: map[string][]Change{}, Compared: map[string]int{}}
	cur := map[string]*tables.Arch{}
	for _, a := range current {
		cur[a.GoArch] = a
	}
	seen := map[string]bool{}
	for _, o := range older {
		seen[o.GoArch] = true
		n := cur[o.GoArch]
		if n == nil {
			res.Errors = append(res.Errors, fmt.Sprintf("%s: the older tables have this arch, the current ones do not", o.GoArch))
			continue
		}
		res.Arches = append(res.Arches, o.GoArch)
		changes := Diff(o, n)
		differs := map[int]bool{}
		for _, c := range changes {
			differs[c.Nr] = true
			kind := c.Kind()
			if kind == "added" || kind == "implemented" {
				res.Lacks[o.GoArch] = append(res.Lacks[o.GoArch], c)
				continue
			}
			var match *CompatExpect
			for _, e := range expect {
				if e.appliesTo(o.GoArch) && e.Kind == kind && (e.Name == nameOf(c.New) || e.Name == nameOf(c.Old)) {
					match = e
					break
				}
			}
			if match == nil {
				res.Errors = append(res.Errors, fmt.Sprintf("%s: %s", o.GoArch, indent(c.String())))
				continue
			}
			match.used = true
			res.Expected[o.GoArch] = append(res.Expected[o.GoArch], c)
		}
		for i := range o.Syscalls {
			if !differs[o.Syscalls[i].Nr] {
				res.Compared[o.GoArch]++
			}
		}
	}
	for _, a := range current {
		if !seen[a.GoArch] {
			res.Errors = append(res.Errors, fmt.Sprintf("%s: the current tables have this arch, the older ones do not", a.GoArch))
		}
	}
	for _, e := range expect {
		if !e.used && e.namesAny(res.Arches) {
			res.Errors = append(res.Errors, fmt.Sprintf("%s: expects %s %s, which no arch shows: drop or fix the line", e.Where, e.Name, e.Kind))
		}
	}
	sort.Strings(res.Errors)
	return res
}

func (e *CompatExpect) namesAny(goarches []string) bool {
	for _, g := range goarches {
		if e.appliesTo(g) {
			return true
		}
	}
	return false
}

func nameOf(s *tables.Syscall) string {
	if s == nil {
		return ""
	}
	return s.Name
}

func indent(s string) string { return strings.ReplaceAll(s, "\n", "\n\t") }
