// Package tables holds syschain's per-arch Linux syscall tables and reads
// them into typed values.
//
// The data files (linux_<goarch>.tbl beside this file) are embedded; they
// are produced by `syschain-gen tables -kernel PATH -out tables/` from a
// Linux source tree plus the hand-kept overlay (overlay.txt), and must not
// be edited by hand (edit the overlay and regenerate). The file format is
// described in format.go; `syschain-gen list -arch ARCH` prints a table.
package tables

import (
	"strings"
)

// Arch is one Linux GOARCH's syscall table.
type Arch struct {
	GoArch    string // GOARCH, e.g. "arm"
	LinuxArch string // the kernel's name for it, e.g. "arm" or "x86_64"
	Bits      int    // register width: 32 or 64
	BigEndian bool
	Syscalls  []Syscall // sorted by number; unimplemented numbers included

	byName map[string]int // index into Syscalls, built by Parse
	byNr   map[int]int
}

// Syscall is one row of a table.
type Syscall struct {
	Nr    int
	Name  string // the table's name, e.g. "pread64"
	Entry string // kernel entry point, e.g. "sys_pread64"; "" when the number is not implemented
	// Params are the C parameters in order. HasSig is false when no
	// signature is known (Params is then nil); a known signature may have
	// no parameters.
	Params []Param
	HasSig bool
	// Slots are the argument registers in order, one per register. For a
	// one-to-one syscall slot k carries Params[k] whole.
	Slots  []Slot
	Source string // where the row's facts come from, e.g. "arch/arm/tools/syscall.tbl" or "overlay.txt:12"
	// Note says why a row has no signature (or anything else a reader of
	// the row must know); "" for most rows.
	Note string
}

// Param is one C parameter.
type Param struct {
	Name string // e.g. "pos"
	Type string // C type as the kernel writes it, e.g. "loff_t" or "const char __user *"
}

// SlotPart says which part of a parameter a register carries.
type SlotPart uint8

const (
	Whole SlotPart = iota // the whole parameter
	Lo                    // the low 32 bits of a 64-bit parameter
	Hi                    // the high 32 bits of a 64-bit parameter
	Pad                   // nothing: alignment padding (Param is -1)
)

// Slot is one argument register.
type Slot struct {
	Param int // index into Syscall.Params; -1 for Pad
	Part  SlotPart
}

// Implemented reports whether the kernel has an entry point for the number.
func (s *Syscall) Implemented() bool { return s.Entry != "" }

// NRegs is the number of argument registers the call takes (0 when the
// signature is unknown).
func (s *Syscall) NRegs() int { return len(s.Slots) }

// OneToOne reports whether slot k carries Params[k] whole for every k.
func (s *Syscall) OneToOne() bool {
	if len(s.Slots) != len(s.Params) {
		return false
	}
	for i, sl := range s.Slots {
		if sl.Param != i || sl.Part != Whole {
			return false
		}
	}
	return true
}

// SlotName names register slot i for people: the parameter's name, with
// "_lo"/"_hi" for half of a 64-bit value, or "pad".
func (s *Syscall) SlotName(i int) string {
	sl := s.Slots[i]
	switch sl.Part {
	case Pad:
		return "pad"
	case Lo:
		return s.Params[sl.Param].Name + "_lo"
	case Hi:
		return s.Params[sl.Param].Name + "_hi"
	}
	return s.Params[sl.Param].Name
}

// SlotNames returns SlotName for every slot.
func (s *Syscall) SlotNames() []string {
	names := make([]string, len(s.Slots))
	for i := range s.Slots {
		names[i] = s.SlotName(i)
	}
	return names
}

// Signature is the C parameter list, e.g. "unsigned int fd, loff_t pos";
// "void" for none and "?" when unknown.
func (s *Syscall) Signature() string {
	if !s.HasSig {
		return "?"
	}
	if len(s.Params) == 0 {
		return "void"
	}
	var b strings.Builder
	for i, p := range s.Params {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(joinDecl(p.Type, p.Name))
	}
	return b.String()
}

// joinDecl writes a C declaration: "char __user *" + "buf" is
// "char __user *buf", "int" + "fd" is "int fd".
func joinDecl(typ, name string) string {
	if strings.HasSuffix(typ, "*") {
		return typ + name
	}
	return typ + " " + name
}

// Lookup finds a syscall by its table name, e.g. "pread64".
func (a *Arch) Lookup(name string) (*Syscall, bool) {
	if a.byName == nil {
		a.index()
	}
	i, ok := a.byName[name]
	if !ok {
		return nil, false
	}
	return &a.Syscalls[i], true
}

// ByNr finds a syscall by number (as the kernel numbers it, e.g. 4003 for
// mips o32 read).
func (a *Arch) ByNr(nr int) (*Syscall, bool) {
	if a.byNr == nil {
		a.index()
	}
	i, ok := a.byNr[nr]
	if !ok {
		return nil, false
	}
	return &a.Syscalls[i], true
}

// index builds the lookup maps. Parse (and so Load) calls it, so lookups
// on a loaded Arch are safe from many goroutines; for an Arch built by
// hand the first Lookup/ByNr builds them, and appending to Syscalls
// afterwards needs a fresh Arch value.
func (a *Arch) index() {
	a.byName = make(map[string]int, len(a.Syscalls))
	a.byNr = make(map[int]int, len(a.Syscalls))
	for i := range a.Syscalls {
		a.byName[a.Syscalls[i].Name] = i
		a.byNr[a.Syscalls[i].Nr] = i
	}
}
