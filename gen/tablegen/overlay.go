package tablegen

// The overlay (tables/overlay.txt) holds what a kernel tree cannot give.
// Format: '#' comments and blank lines; every other line has seven
// tab-separated columns:
//
//	kind	arches	nr	name	entry	signature	source
//
//   - kind "new": a syscall the tree does not have (newer than it). nr is
//     numbered as in the arch's .tbl file (mips without __NR_Linux: the
//     target's offset is added). It is an error if the tree already has the
//     number, so a newer tree makes stale rows fail loudly.
//   - kind "sig": a signature for an existing row found by name (nr is
//     "-"): assembly-only entry points, per-arch quirks. It overrides the
//     tree, and it is an error if no arch named has the row.
//   - arches: "*" or a comma-separated list of GOARCHes.
//   - entry: the kernel entry point ("-" for none: not implemented).
//   - signature: C parameters, "void", or "=SYMBOL" for the signature the
//     tree gives the C function SYMBOL on that arch (an assembly stub that
//     jumps to it).
//   - source: where the fact comes from (kernel version and file, commit,
//     or x/sys/unix file). Required.

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
	Nr     int // "new" only
	Name   string
	Entry  string
	Sig    string // raw signature column
	Params []tables.Param
	HasSig bool
	Alias  string // "=SYMBOL"
	Source string
	Where  string // overlay.txt:LINE
	used   bool
}

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
	if len(cols) != 7 {
		return nil, fmt.Errorf("%d tab-separated columns, want 7 (kind, arches, nr, name, entry, signature, source)", len(cols))
	}
	for i := range cols {
		cols[i] = strings.TrimSpace(cols[i])
	}
	r := &overlayRow{Kind: cols[0], Name: cols[3], Sig: cols[5], Source: cols[6]}
	switch r.Kind {
	case "new":
		nr, err := strconv.Atoi(cols[2])
		if err != nil || nr < 0 {
			return nil, fmt.Errorf("kind new: nr %q is not a non-negative number", cols[2])
		}
		r.Nr = nr
	case "sig":
		if cols[2] != "-" {
			return nil, fmt.Errorf("kind sig: nr must be \"-\" (the row is found by name), got %q", cols[2])
		}
	default:
		return nil, fmt.Errorf("kind %q: want new or sig", r.Kind)
	}
	if cols[1] == "" {
		return nil, fmt.Errorf("empty arches column (want * or GOARCH,GOARCH)")
	}
	for _, a := range strings.Split(cols[1], ",") {
		if _, ok := TargetFor(a); !ok && a != "*" {
			return nil, fmt.Errorf("arches: unknown GOARCH %q", a)
		}
		r.Arches = append(r.Arches, a)
	}
	if !isIdent(r.Name) {
		return nil, fmt.Errorf("name %q is not a C identifier", r.Name)
	}
	if cols[4] != "-" {
		if !isIdent(cols[4]) {
			return nil, fmt.Errorf("entry %q is not a C identifier or \"-\"", cols[4])
		}
		r.Entry = cols[4]
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
