package tablegen

// Where a tree keeps an arch's syscall numbers. Three layouts exist, and
// which one an arch uses is read from the tree (the files it has), never
// from its version string:
//
//   - an arch table: arch/<arch>/.../syscall*.tbl, filtered by the ABIs
//     the arch's syscalls Makefile names (x86, arm, mips, powerpc, s390,
//     sparc, in every release this generator knows);
//   - asm-generic/unistd.h: arm64, riscv and loongarch up to Linux 6.10
//     list their calls as __SYSCALL(nr, entry) macros there, chosen by
//     __ARCH_WANT_ macros of the arch's uapi asm/unistd.h;
//   - scripts/syscall.tbl: the same arches since Linux 6.11 generate
//     asm/unistd_64.h from one shared table, keeping the rows whose ABI
//     scripts/Makefile.asm-headers (common,64 or common,32) and the
//     arch's arch/<arch>/kernel/Makefile.syscalls (renameat, rlimit,
//     memfd_secret, riscv, ...) name; Makefile.syscalls may also point
//     syscalltbl at an arch copy of the table (arm64:
//     arch/arm64/tools/syscall_%.tbl).

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Layout names where an arch's numbers come from.
type Layout int

const (
	// LayoutArchTbl: the arch's own .tbl file (Target.Tbl).
	LayoutArchTbl Layout = iota
	// LayoutUnistdH: include/uapi/asm-generic/unistd.h through the arch's
	// uapi asm/unistd.h (Linux ≤ 6.10 for the generic arches).
	LayoutUnistdH
	// LayoutSyscallTbl: scripts/syscall.tbl (or the arch's copy) with the
	// ABIs of scripts/Makefile.asm-headers and the arch's
	// kernel/Makefile.syscalls (Linux ≥ 6.11 for the generic arches).
	LayoutSyscallTbl
)

func (l Layout) String() string {
	switch l {
	case LayoutArchTbl:
		return "arch .tbl"
	case LayoutUnistdH:
		return "asm-generic/unistd.h"
	case LayoutSyscallTbl:
		return "scripts/syscall.tbl"
	}
	return "Layout(" + strconv.Itoa(int(l)) + ")"
}

// numSpec says how to read one target's numbers from one tree.
type numSpec struct {
	Layout Layout
	Tbl    string   // the .tbl file, relative to the tree (table layouts)
	ABIs   []string // ABIs kept; empty: every row (table layouts)
	Offset int
	// From lists the files that chose Tbl and ABIs (syscall.tbl layout),
	// for the table headers.
	From []string
	// Need lists the files the layout reads, relative to the tree.
	Need []string
}

// Makefiles of the syscall.tbl layout.
const (
	asmHeadersMk = "scripts/Makefile.asm-headers"
	genericTbl   = "scripts/syscall.tbl"
	genericUnist = "include/uapi/asm-generic/unistd.h"
)

func archSyscallsMk(t Target) string { return "arch/" + t.SrcArch + "/kernel/Makefile.syscalls" }
func archUapiUnistd(t Target) string { return "arch/" + t.SrcArch + "/include/uapi/asm/unistd.h" }

// detectLayout finds where target t's numbers are in the tree at root.
func detectLayout(root string, t Target) (numSpec, error) {
	if !t.Generic {
		return numSpec{Layout: LayoutArchTbl, Tbl: t.Tbl, ABIs: t.ABIs, Offset: t.Offset, Need: []string{t.Tbl}}, nil
	}
	exists := func(p string) bool {
		_, err := os.Stat(filepath.Join(root, p))
		return err == nil
	}
	mk := archSyscallsMk(t)
	if exists(mk) {
		return readSyscallsMk(root, t)
	}
	hdr := archUapiUnistd(t)
	if exists(hdr) {
		data, err := os.ReadFile(filepath.Join(root, hdr))
		if err != nil {
			return numSpec{}, err
		}
		if !bytes.Contains(data, []byte("asm-generic/unistd.h")) {
			return numSpec{}, fmt.Errorf("%s: %s does not include asm-generic/unistd.h and there is no %s: neither layout of the generic syscall list (Linux ≤ 6.10: asm-generic/unistd.h; ≥ 6.11: scripts/syscall.tbl) fits",
				t.GoArch, hdr, mk)
		}
		return numSpec{Layout: LayoutUnistdH, Need: []string{hdr, genericUnist}}, nil
	}
	return numSpec{}, fmt.Errorf("%s: has neither %s (Linux ≥ 6.11: scripts/syscall.tbl) nor %s (≤ 6.10: %s), so its syscall numbers cannot be found",
		t.GoArch, mk, hdr, genericUnist)
}

// readSyscallsMk reads the syscall.tbl layout's two Makefiles as make
// would for target t: scripts/Makefile.asm-headers sets
// syscall_abis_{32,64} and syscalltbl, then includes the arch's
// kernel/Makefile.syscalls, which may add ABIs and override syscalltbl
// (a '%' in it is the word size).
func readSyscallsMk(root string, t Target) (numSpec, error) {
	abiVar := "syscall_abis_" + strconv.Itoa(t.Bits)
	vars := map[string][]string{}
	for _, f := range []string{asmHeadersMk, archSyscallsMk(t)} {
		if err := readMkVars(root, f, vars, map[string]bool{abiVar: true, "syscalltbl": true}); err != nil {
			return numSpec{}, fmt.Errorf("%s: %v", t.GoArch, err)
		}
	}
	tbls := vars["syscalltbl"]
	if len(tbls) != 1 {
		return numSpec{}, fmt.Errorf("%s: %s and %s set syscalltbl to %q; want one file", t.GoArch, asmHeadersMk, archSyscallsMk(t), strings.Join(tbls, " "))
	}
	tbl := strings.ReplaceAll(tbls[0], "%", strconv.Itoa(t.Bits))
	tbl = strings.TrimPrefix(tbl, "$(srctree)/")
	var abis []string
	for _, w := range vars[abiVar] {
		for _, a := range strings.Split(w, ",") {
			if a != "" {
				abis = append(abis, a)
			}
		}
	}
	if len(abis) == 0 {
		return numSpec{}, fmt.Errorf("%s: %s and %s name no ABIs in %s", t.GoArch, asmHeadersMk, archSyscallsMk(t), abiVar)
	}
	return numSpec{Layout: LayoutSyscallTbl, Tbl: tbl, ABIs: abis,
		From: []string{asmHeadersMk, archSyscallsMk(t)},
		Need: []string{tbl, asmHeadersMk, archSyscallsMk(t)}}, nil
}

// readMkVars applies the assignments ("VAR += words", "VAR = words",
// "VAR := words") of the variables in want found in a Makefile to vars.
// Other lines are ignored, except that an assignment to a wanted variable
// the reader cannot follow (a conditional, a reference to another
// variable) is an error: the numbers would be wrong.
func readMkVars(root, file string, vars map[string][]string, want map[string]bool) error {
	data, err := os.ReadFile(filepath.Join(root, file))
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	line := 0
	depth := 0 // ifeq/ifdef nesting: assignments inside are not followed
	for sc.Scan() {
		line++
		text := sc.Text()
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		f := strings.Fields(text)
		if len(f) == 0 {
			continue
		}
		switch f[0] {
		case "ifeq", "ifneq", "ifdef", "ifndef":
			depth++
			continue
		case "endif":
			depth--
			continue
		}
		if len(f) < 2 || !want[f[0]] {
			continue
		}
		op := f[1]
		if op != "+=" && op != "=" && op != ":=" {
			continue
		}
		where := fmt.Sprintf("%s:%d", file, line)
		if depth > 0 {
			return fmt.Errorf("%s: %s is set under a Makefile conditional, which the generator does not evaluate (teach gen/tablegen/layout.go this Makefile)", where, f[0])
		}
		words := f[2:]
		for _, w := range words {
			if strings.Contains(strings.ReplaceAll(w, "$(srctree)", ""), "$") {
				return fmt.Errorf("%s: %s refers to %q, which the generator does not expand (teach gen/tablegen/layout.go this Makefile)", where, f[0], w)
			}
		}
		if op == "+=" {
			vars[f[0]] = append(vars[f[0]], words...)
		} else {
			vars[f[0]] = append([]string{}, words...)
		}
	}
	return sc.Err()
}

// describe is the table header's account of where numbers come from.
func (s numSpec) describe(t Target) string {
	switch s.Layout {
	case LayoutUnistdH:
		return fmt.Sprintf("%s via %s (gcc -E)", genericUnist, archUapiUnistd(t))
	case LayoutSyscallTbl:
		return fmt.Sprintf("%s, ABIs %s (%s)", s.Tbl, strings.Join(s.ABIs, ","), strings.Join(s.From, ", "))
	}
	d := fmt.Sprintf("%s, ABIs %s", s.Tbl, strings.Join(s.ABIs, ","))
	if len(s.ABIs) == 0 {
		d = s.Tbl + ", every row"
	}
	if s.Offset != 0 {
		d += fmt.Sprintf(", plus %d (__NR_Linux)", s.Offset)
	}
	return d
}
