package tablegen

// The overlay (tables/overlay.txt) holds what a kernel tree cannot give.
// Format: '#' comments and blank lines; every other line has eight
// tab-separated columns:
//
//	kind	arches	since	nr	name	entry	signature	source
//
//   - kind "new": a syscall newer than the tree. since is the Linux
//     release that added it on those arches ("6.13"); nr is numbered as
//     in the arch's .tbl file (mips without __NR_Linux: the target's
//     offset is added). On a tree that already has the call (by name or
//     number) the tree wins: the row must agree with the tree's number,
//     name, entry point and signature, and the tree must not predate
//     since, or the build fails showing both sides; the row is then
//     "superseded" (Result.Superseded, `syschain-gen tables -report`) and
//     belongs out of the committed overlay. On a tree of release since or
//     later that lacks the call, the row is wrong: an error.
//   - kind "sig": a signature for an existing row found by name (since
//     and nr are "-"): assembly-only entry points, per-arch quirks. It
//     overrides the tree, and it is an error if no arch named has the row.
//   - arches: "*" or a comma-separated list of GOARCHes.
//   - entry: the kernel entry point ("-" for none: not implemented).
//   - signature: C parameters, "void", or "=SYMBOL" for the signature the
//     tree gives the C function SYMBOL on that arch (an assembly stub that
//     jumps to it).
//   - source: where the fact comes from (kernel file, commit, or x/sys/unix
//     file). Required.

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/syschain/syschain/tables"
)

type overlayRow struct {
	Kind   string // "new" or "sig"
	Arches []string
	Since  release // "new" only: the Linux release that added the call
	Nr     int     // "new" only
	Name   string
	Entry  string
	Sig    string // raw signature column
	Params []tables.Param
	HasSig bool
	Alias  string // "=SYMBOL"
	Source string
	Where  string // overlay.txt:LINE
	used   bool
	// supersededOn lists the arches whose tree already has a "new" row's
	// call, in target order.
	supersededOn []supersededOn
}

type supersededOn struct {
	goarch string
	where  string // the tree's file:line
}

// Supersession is an overlay row the tree already has.
type Supersession struct {
	Where string   // overlay.txt:LINE
	Name  string   // the syscall
	Since string   // the release the row says added it
	On    []string // GOARCHes whose tree has it
	// Still lists the GOARCHes the row names (among those built) whose
	// tree lacks it: the row is still needed there.
	Still     []string
	TreeWhere []string // per On, the tree's file:line
	// Reserved: the row (and so the tree) gives no entry point, so
	// there was no signature to compare.
	Reserved bool
}

// namesAny reports whether the row names one of the targets.
func (r *overlayRow) namesAny(targets []Target) bool {
	for _, t := range targets {
		if r.appliesTo(t.GoArch) {
			return true
		}
	}
	return false
}

func (r *overlayRow) supersession(targets []Target) Supersession {
	s := Supersession{Where: r.Where, Name: r.Name, Since: r.Since.String(), Reserved: r.Entry == ""}
	on := map[string]bool{}
	for _, x := range r.supersededOn {
		s.On = append(s.On, x.goarch)
		s.TreeWhere = append(s.TreeWhere, x.where)
		on[x.goarch] = true
	}
	for _, t := range targets {
		if r.appliesTo(t.GoArch) && !on[t.GoArch] {
			s.Still = append(s.Still, t.GoArch)
		}
	}
	return s
}

// release is a Linux release, major.minor.
type release struct{ major, minor int }

// parseRelease reads "6.5", "6.12.117" or "6.13-rc1"; a kernel's patch
// level and suffix do not matter to which syscalls it has.
func parseRelease(v string) (release, error) {
	maj, rest, ok := strings.Cut(v, ".")
	if !ok {
		return release{}, fmt.Errorf("release %q: want MAJOR.MINOR (e.g. 6.13)", v)
	}
	min := rest
	if i := strings.IndexAny(rest, ".-+~"); i >= 0 {
		min = rest[:i]
	}
	a, err1 := strconv.Atoi(maj)
	b, err2 := strconv.Atoi(min)
	if err1 != nil || err2 != nil || a < 0 || b < 0 {
		return release{}, fmt.Errorf("release %q: want MAJOR.MINOR (e.g. 6.13)", v)
	}
	return release{a, b}, nil
}

func (r release) less(o release) bool {
	return r.major < o.major || (r.major == o.major && r.minor < o.minor)
}

func (r release) String() string { return strconv.Itoa(r.major) + "." + strconv.Itoa(r.minor) }

func (r *overlayRow) appliesTo(goarch string) bool {
	for _, a := range r.Arches {
		if a == "*" || a == goarch {
			return true
		}
	}
	return false
}

// readOverlay parses the overlay file; name is how errors and sources
// call it (e.g. "overlay.txt").
func readOverlay(path, name string) ([]*overlayRow, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("overlay: %v (the overlay lives in tables/overlay.txt; pass -overlay to use another)", err)
	}
	return parseOverlay(name, data)
}

func parseOverlay(name string, data []byte) ([]*overlayRow, error) {
	var rows []*overlayRow
	sc := bufio.NewScanner(bytes.NewReader(data))
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if strings.TrimSpace(text) == "" || strings.HasPrefix(strings.TrimSpace(text), "#") {
			continue
		}
		where := fmt.Sprintf("%s:%d", name, line)
		r, err := parseOverlayRow(text)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", where, err)
		}
		r.Where = where
		rows = append(rows, r)
	}
	return rows, sc.Err()
}

func parseOverlayRow(text string) (*overlayRow, error) {
	cols := strings.Split(text, "\t")
	if len(cols) != 8 {
		return nil, fmt.Errorf("%d tab-separated columns, want 8 (kind, arches, since, nr, name, entry, signature, source)", len(cols))
	}
	for i := range cols {
		cols[i] = strings.TrimSpace(cols[i])
	}
	arches, since, nrCol, entry := cols[1], cols[2], cols[3], cols[5]
	r := &overlayRow{Kind: cols[0], Name: cols[4], Sig: cols[6], Source: cols[7]}
	switch r.Kind {
	case "new":
		nr, err := strconv.Atoi(nrCol)
		if err != nil || nr < 0 {
			return nil, fmt.Errorf("kind new: nr %q is not a non-negative number", nrCol)
		}
		r.Nr = nr
		rel, err := parseRelease(since)
		if err != nil {
			return nil, fmt.Errorf("kind new: since: %v, the Linux release that added the call", err)
		}
		r.Since = rel
	case "sig":
		if nrCol != "-" || since != "-" {
			return nil, fmt.Errorf("kind sig: since and nr must be \"-\" (the row is found by name), got %q and %q", since, nrCol)
		}
	default:
		return nil, fmt.Errorf("kind %q: want new or sig", r.Kind)
	}
	if arches == "" {
		return nil, fmt.Errorf("empty arches column (want * or GOARCH,GOARCH)")
	}
	for _, a := range strings.Split(arches, ",") {
		if _, ok := TargetFor(a); !ok && a != "*" {
			return nil, fmt.Errorf("arches: unknown GOARCH %q", a)
		}
		r.Arches = append(r.Arches, a)
	}
	if !isIdent(r.Name) {
		return nil, fmt.Errorf("name %q is not a C identifier", r.Name)
	}
	if entry != "-" {
		if !isIdent(entry) {
			return nil, fmt.Errorf("entry %q is not a C identifier or \"-\"", entry)
		}
		r.Entry = entry
	}
	switch {
	case r.Sig == "?":
	case r.Sig == "void":
		r.HasSig, r.Params = true, []tables.Param{}
	case strings.HasPrefix(r.Sig, "="):
		r.Alias = r.Sig[1:]
		if !isIdent(r.Alias) {
			return nil, fmt.Errorf("signature %q: want =SYMBOL", r.Sig)
		}
	default:
		for i, d := range strings.Split(r.Sig, ",") {
			p, err := tables.ParseDecl(normType(d))
			if err != nil {
				return nil, fmt.Errorf("signature parameter %d: %v", i+1, err)
			}
			p.Type = normType(p.Type)
			r.Params = append(r.Params, p)
		}
		r.HasSig = true
	}
	if r.Source == "" {
		return nil, fmt.Errorf("empty source column: say where the fact comes from")
	}
	if r.Kind == "sig" && !r.HasSig && r.Alias == "" {
		return nil, fmt.Errorf("kind sig with signature \"?\" says nothing")
	}
	return r, nil
}
