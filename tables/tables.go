// Package tables holds syschain's per-arch Linux syscall tables and reads
// them into typed values.
//
// The data files (linux_<goarch>.tbl beside this file) are embedded; they
// are produced by `syschain-gen tables -kernel PATH -out tables/` from a
// Linux source tree plus the hand-kept overlay, and must not be edited by
// hand (edit the overlay and regenerate).
package tables

// Arch is one Linux GOARCH's syscall table.
type Arch struct {
	GoArch    string // GOARCH, e.g. "arm"
	LinuxArch string // the kernel's name for it, e.g. "arm" or "x86_64"
	Bits      int    // register width: 32 or 64
	BigEndian bool
	Syscalls  []Syscall // sorted by number; unimplemented numbers included
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
