package tablegen

// Comparing two sets of tables: what `syschain-gen tables -diff` prints
// before anything is written, and what the compatibility check with an
// older kernel (`syschain-gen tables-compat`, make tables-compat) proves.

import (
	"fmt"
	"sort"
	"strings"

	"github.com/syschain/syschain/tables"
)

// Change is one row that differs between two tables of an arch.
type Change struct {
	Nr       int
	Old, New *tables.Syscall // nil when the row is only on the other side
}

// Kind says what kind of change it is: "added" (only in New), "removed"
// (only in Old), "implemented" (New implements a number Old only
// reserves), "unimplemented" (the reverse), "renamed", "changed"
// (entry point, signature or register slots).
func (c Change) Kind() string {
	switch {
	case c.Old == nil:
		return "added"
	case c.New == nil:
		return "removed"
	case c.Old.Name != c.New.Name:
		return "renamed"
	case !c.Old.Implemented() && c.New.Implemented():
		return "implemented"
	case c.Old.Implemented() && !c.New.Implemented():
		return "unimplemented"
	}
	return "changed"
}

// String shows the change on one line, with both sides where there are
// two.
func (c Change) String() string {
	switch c.Kind() {
	case "added":
		return fmt.Sprintf("+ %d %s %s(%s)", c.New.Nr, c.New.Name, orDash(c.New.Entry), c.New.Signature())
	case "removed":
		return fmt.Sprintf("- %d %s %s(%s)", c.Old.Nr, c.Old.Name, orDash(c.Old.Entry), c.Old.Signature())
	}
	return fmt.Sprintf("~ %d %s: %s\n\twas %s\n\tnow %s", c.New.Nr, c.New.Name, c.Kind(), rowText(c.Old), rowText(c.New))
}

func rowText(s *tables.Syscall) string {
	return fmt.Sprintf("%s %s(%s) slots %s", s.Name, orDash(s.Entry), s.Signature(), strings.Join(s.SlotNames(), ","))
}

// sameRow compares what a table says about a call: name, entry point,
// signature and register slots. Sources and notes are provenance, not
// facts about the call.
func sameRow(a, b *tables.Syscall) bool {
	if a.Name != b.Name || a.Entry != b.Entry || a.HasSig != b.HasSig || a.Signature() != b.Signature() || len(a.Slots) != len(b.Slots) {
		return false
	}
	for i := range a.Slots {
		if a.Slots[i] != b.Slots[i] {
			return false
		}
	}
	return true
}

// Diff lists the rows of one arch that differ between old and new,
// matched by number, sorted by number.
func Diff(old, new *tables.Arch) []Change {
	byNr := map[int]*tables.Syscall{}
	for i := range old.Syscalls {
		byNr[old.Syscalls[i].Nr] = &old.Syscalls[i]
	}
	var out []Change
	seen := map[int]bool{}
	for i := range new.Syscalls {
		n := &new.Syscalls[i]
		seen[n.Nr] = true
		o := byNr[n.Nr]
		if o == nil {
			out = append(out, Change{Nr: n.Nr, New: n})
		} else if !sameRow(o, n) {
			out = append(out, Change{Nr: n.Nr, Old: o, New: n})
		}
	}
	for i := range old.Syscalls {
		if o := &old.Syscalls[i]; !seen[o.Nr] {
			out = append(out, Change{Nr: o.Nr, Old: o})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Nr < out[j].Nr })
	return out
}
