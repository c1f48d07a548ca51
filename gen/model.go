// Package gen is syschain's generator library: it builds a model of typed
// syscall builders from the per-arch tables (package tables) and renders it
// as Go source with jennifer. The syschain-gen command is a thin shell over
// it; `go generate ./generated/` and client go:generate lines end up here.
//
// Three steps, each in its own file:
//
//	model.go   tables.Arch → Arch/Syscall/Param/Slot (with the C→Go rules of ctypes.go)
//	render.go  model → Go source, one file per GOARCH plus one common file
//	gen.go     Config → files in memory → atomic writes
package gen

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/syschain/syschain/gen/xtypes"
	"github.com/syschain/syschain/runtime"
	"github.com/syschain/syschain/tables"
)

// Arch is one GOARCH's builders.
type Arch struct {
	GoArch   string
	Bits     int
	Syscalls []*Syscall // in number order; synthesised methods (Mmap on 32-bit arches) at the end
	Skipped  []*Syscall // implemented syscalls that get no method, with the reason in Skip
	// Portables are the x/sys-named methods (portable.go) this arch gets
	// beyond its kernel-named ones.
	Portables []*Portable
	byName    map[string]*Syscall
}

// Syscall is one builder method.
type Syscall struct {
	Nr       int
	Name     string // the table's name, e.g. "pread64"; also the printed name
	GoName   string // the method name, e.g. "Pread64"
	Entry    string // kernel entry point, e.g. "sys_pread64"
	Source   string // where the table row came from
	Proto    string // the C prototype for the doc comment
	HasSig   bool   // false: no known signature; the method takes raw ints
	Params   []*Param
	Slots    []Slot
	SysConst string // x/sys/unix constant with the same number, "" if none
	Note     string // a sentence for the doc comment about special handling
	Skip     string // why no method is generated ("" for most)
	Portable bool   // the method also is the x/sys-named portable one (portable.go)
	// Denied: on the runtime's deny list (runtime.DenyNames). It gets a Sig,
	// registered so that traces and decoded chains print it by name, but
	// no method: a chain the runtime would refuse does not compile.
	Denied bool
	synth  bool // made by the generator, not a table row of this name
}

// Typed reports whether every parameter has a Go type better than
// unsafe.Pointer (the measure -report gives).
func (s *Syscall) Typed() bool {
	if !s.HasSig {
		return false
	}
	for _, p := range s.Params {
		if p.Kind == kRawPtr {
			return false
		}
	}
	return true
}

// Param is one Go parameter. It may cover two C parameters (preadv's pos_l
// and pos_h become one int64 pos).
type Param struct {
	Name  string // Go name
	CName string // C name (for a merged pair, the pair's stem)
	CType string
	Kind  goKind
	Elem  string // kStruct, kSlice: the x/sys type; kIntPtr: the Go integer type
	Array int    // kStruct, kIntPtr: a pointer to an array of this many (0: one value)
}

// GoType is the parameter's Go type as written in the signature.
func (p *Param) GoType() string {
	switch p.Kind {
	case kInt64:
		return "int64"
	case kString:
		return "string"
	case kStrings:
		return "[]string"
	case kBuf:
		return "[]byte"
	case kStruct:
		return "*" + p.arr() + "unix." + p.Elem
	case kSlice:
		return "[]unix." + p.Elem
	case kIntPtr:
		return "*" + p.arr() + p.Elem
	case kRawPtr:
		return "unsafe.Pointer"
	}
	return "int"
}

func (p *Param) arr() string {
	if p.Array > 0 {
		return fmt.Sprintf("[%d]", p.Array)
	}
	return ""
}

// SlotOp is what the generated code does for one register slot.
type SlotOp int

const (
	OpWhole SlotOp = iota // the parameter fills the slot (ArgInt, ArgStr, ArgBuf, ArgLen, ArgPtr)
	OpLo                  // the low half of a 64-bit parameter; Partner is the high slot (ArgSplit64)
	OpHi                  // the high half; written together with its OpLo
	OpPad                 // alignment padding: left zero
	OpZero                // a high half on a 64-bit arch: left zero (preadv's pos_h)
	OpPages               // the parameter divided by 4096 (mmap2's pgoff)
	OpBlock               // all parameters stored in a block of words, the slot points to it (s390x's old_mmap)
)

// Slot is one argument register.
type Slot struct {
	Op      SlotOp
	Param   *Param // nil for OpPad
	Name    string // the slot's name for printing, e.g. "pos" or "pos_lo"
	RtKind  string // runtime.Kind constant, e.g. "KindFD"
	Partner int    // OpLo/OpHi: the other half's slot; kLen: the buffer's slot
}

// Build turns loaded tables into the model. xs gives the x/sys/unix facts
// per GOARCH (a nil entry means: no x/sys types or constants known). Every
// syscall gets the same Go signature on every arch where the C parameters
// agree by name and type; see canonicalise.
func Build(archs []*tables.Arch, xs map[string]*xtypes.Unix) ([]*Arch, error) {
	var out []*Arch
	for _, ta := range archs {
		a, err := buildArch(ta, xs[ta.GoArch])
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	canonicalise(out)
	for _, a := range out {
		if err := addPortable(a); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func buildArch(ta *tables.Arch, ux *xtypes.Unix) (*Arch, error) {
	a := &Arch{GoArch: ta.GoArch, Bits: ta.Bits, byName: map[string]*Syscall{}}
	hasType := ux.HasType
	goNames := map[string]string{}
	for i := range ta.Syscalls {
		row := &ta.Syscalls[i]
		if row.Entry == "" {
			continue // an unimplemented number
		}
		s, err := buildSyscall(ta, row, hasType)
		if err != nil {
			return nil, err
		}
		if c, ok := ux.SysConst(s.Name, s.Nr); ok {
			s.SysConst = c
		}
		s.Denied = denied(s.Name)
		if s.Skip != "" {
			a.Skipped = append(a.Skipped, s)
			continue
		}
		if prev, dup := goNames[s.GoName]; dup {
			return nil, fmt.Errorf("%s: syscalls %q and %q both become method %s: add a rename in gen/model.go", row.Source, prev, s.Name, s.GoName)
		}
		goNames[s.GoName] = s.Name
		a.Syscalls = append(a.Syscalls, s)
		a.byName[s.Name] = s
	}
	if err := addPortableMmap(a, goNames); err != nil {
		return nil, err
	}
	return a, nil
}

// Lookup finds a syscall by table name.
func (a *Arch) Lookup(name string) (*Syscall, bool) {
	s, ok := a.byName[name]
	return s, ok
}

func buildSyscall(ta *tables.Arch, row *tables.Syscall, hasType func(string) bool) (*Syscall, error) {
	s := &Syscall{
		Nr: row.Nr, Name: row.Name, Entry: row.Entry, Source: row.Source,
		HasSig: row.HasSig, GoName: methodName(row),
	}
	s.Proto = proto(row)
	if !row.HasSig {
		return s, nil
	}
	slots := row.Slots
	if len(slots) == 0 && len(row.Params) > 0 {
		for k := range row.Params {
			slots = append(slots, tables.Slot{Param: k, Part: tables.Whole})
		}
	}
	if len(slots) > 6 {
		// mips o32 passes a 7th and 8th argument on the user stack
		// (fadvise64, sync_file_range); a chain step has 6 registers.
		s.Skip = fmt.Sprintf("%d argument slots; a chain step has 6", len(slots))
		return s, nil
	}

	cps := make([]cParam, len(row.Params))
	for i, p := range row.Params {
		cps[i] = cParam{name: p.Name, ct: parseCType(p.Type)}
	}
	// Merge hi/lo pairs of C parameters into one Go int64; drop the
	// alignment parameters some 32-bit wrappers declare (ppc's reg6).
	pairOf := pairs(row.Params, ta.BigEndian)
	params := make([]*Param, len(row.Params)) // by C index; a pair shares one; nil for a pad
	used := map[string]int{}
	for i, p := range row.Params {
		if pr, ok := pairOf[i]; ok && pr.other < i {
			params[i] = params[pr.other]
			continue
		}
		if padParam(cps[i]) {
			continue
		}
		gp := &Param{CName: p.Name, CType: p.Type}
		if _, ok := pairOf[i]; ok {
			gp.CName = pairStem(p.Name)
			gp.Kind = kInt64
		} else {
			gp.Kind, gp.Elem, gp.Array = classify(row.Name, cps, i, ta.Bits, ta.GoArch, hasType)
			if int64Overrides[row.Name][p.Name] && gp.Kind == kInt {
				gp.Kind = kInt64
			}
		}
		gp.Name = goParamName(gp.CName, used)
		params[i] = gp
		s.Params = append(s.Params, gp)
	}
	canonicalOrder(row.Name, s)

	// Slots.
	slotOf := map[int]int{} // C param index → its (first) slot
	for k, sl := range slots {
		if sl.Part == tables.Pad {
			s.Slots = append(s.Slots, Slot{Op: OpPad, Name: "pad", RtKind: "KindPad"})
			continue
		}
		if sl.Param < 0 || sl.Param >= len(params) {
			return nil, fmt.Errorf("%s: %s slot %d names parameter %d of %d", row.Source, row.Name, k, sl.Param, len(params))
		}
		if _, ok := slotOf[sl.Param]; !ok {
			slotOf[sl.Param] = k
		}
		gp := params[sl.Param]
		cname := row.Params[sl.Param].Name
		if gp == nil {
			s.Slots = append(s.Slots, Slot{Op: OpPad, Name: cname, RtKind: "KindPad"})
			continue
		}
		switch sl.Part {
		case tables.Lo, tables.Hi:
			if gp.Kind != kInt64 {
				return nil, fmt.Errorf("%s: %s: parameter %s (%s) is split over two slots but is not a 64-bit type: add its type to int64Types in gen/ctypes.go", row.Source, row.Name, cname, gp.CType)
			}
			op, kind, name := OpLo, "KindLo", cname+"_lo"
			if sl.Part == tables.Hi {
				op, kind, name = OpHi, "KindHi", cname+"_hi"
			}
			s.Slots = append(s.Slots, Slot{Op: op, Param: gp, Name: name, RtKind: kind, Partner: -1})
			continue
		}
		if pr, ok := pairOf[sl.Param]; ok {
			// One half of a merged C pair, passed whole.
			switch {
			case ta.Bits == 64 && pr.low:
				s.Slots = append(s.Slots, Slot{Op: OpWhole, Param: gp, Name: cname, RtKind: "KindInt"})
			case ta.Bits == 64:
				s.Slots = append(s.Slots, Slot{Op: OpZero, Param: gp, Name: cname, RtKind: "KindUint"})
			case pr.low:
				s.Slots = append(s.Slots, Slot{Op: OpLo, Param: gp, Name: cname, RtKind: "KindLo", Partner: -1})
			default:
				s.Slots = append(s.Slots, Slot{Op: OpHi, Param: gp, Name: cname, RtKind: "KindHi", Partner: -1})
			}
			continue
		}
		ws := Slot{Op: OpWhole, Param: gp, Name: cname, RtKind: rtKind(row.Name, cname, gp, cps[sl.Param]), Partner: -1}
		switch gp.Kind {
		case kLen:
			ws.Partner = slotOf[sl.Param-1]
		case kCount, kSize:
			// The array or struct before it; its slot is already known.
			ws.Partner = slotOf[sl.Param-1]
		}
		if gp.Kind == kInt64 && ta.Bits == 32 && int64Types[cps[sl.Param].ct.base] {
			return nil, fmt.Errorf("%s: %s: 64-bit parameter %s has one slot on a 32-bit arch: the table must give lo/hi slots", row.Source, row.Name, cname)
		}
		s.Slots = append(s.Slots, ws)
	}
	linkHalves(s)
	// A parameter that no slot carries would be silently dropped.
	for i, gp := range params {
		if _, ok := slotOf[i]; !ok && gp != nil {
			return nil, fmt.Errorf("%s: %s: parameter %s has no register slot", row.Source, row.Name, gp.CName)
		}
	}
	return s, nil
}

// padRE matches the alignment parameters of 32-bit wrappers (ppc's
// sys_ppc_pread64 declares u32 reg6 to align the offset pair).
var padRE = regexp.MustCompile(`^(reg[0-9]+|r[0-9]+|unused[0-9]*|__unused[0-9]*|pad[0-9]*)$`)

func padParam(p cParam) bool { return p.ct.stars == 0 && padRE.MatchString(p.name) }

// canonicalOrders fix the Go parameter order of syscalls whose kernel order
// differs per arch, by C name. clone is the known one: x86-64's order is
// the reference; CLONE_BACKWARDS (arm, 386, ppc, mips) swaps tls and
// child_tidptr, CLONE_BACKWARDS2 (s390x) swaps newsp and clone_flags.
var canonicalOrders = map[string][]string{
	"clone": {"clone_flags", "newsp", "parent_tidptr", "child_tidptr", "tls"},
}

func canonicalOrder(name string, s *Syscall) {
	order, ok := canonicalOrders[name]
	if !ok || len(order) != len(s.Params) {
		return
	}
	byName := map[string]*Param{}
	for _, p := range s.Params {
		byName[p.CName] = p
	}
	out := make([]*Param, 0, len(order))
	for _, n := range order {
		p, ok := byName[n]
		if !ok {
			return // another shape (sparc64's unnamed arguments): leave it
		}
		out = append(out, p)
	}
	s.Params = out
}

// linkHalves points every OpLo/OpHi slot at its other half.
func linkHalves(s *Syscall) {
	for i := range s.Slots {
		if s.Slots[i].Op != OpLo {
			continue
		}
		for j := range s.Slots {
			if s.Slots[j].Op == OpHi && s.Slots[j].Param == s.Slots[i].Param {
				s.Slots[i].Partner, s.Slots[j].Partner = j, i
			}
		}
	}
}

// pair is one half of a split 64-bit value.
type pair struct {
	other int  // index of the other half
	low   bool // this half carries the low 32 bits
}

// pairs finds adjacent C parameters that are the two halves of one 64-bit
// value (pos_l/pos_h, offset_high/offset_low, ppc's pos1/pos2 where the
// first is the high half on that big-endian arch).
func pairs(ps []tables.Param, bigEndian bool) map[int]pair {
	m := map[int]pair{}
	for i := 0; i+1 < len(ps); i++ {
		a, b := ps[i].Name, ps[i+1].Name
		if parseCType(ps[i].Type).stars != 0 || parseCType(ps[i+1].Type).stars != 0 {
			continue
		}
		switch {
		case pairStem(a) != a && pairStem(a) == pairStem(b) && isLowHalf(a) != isLowHalf(b):
			m[i], m[i+1] = pair{i + 1, isLowHalf(a)}, pair{i, isLowHalf(b)}
			i++
		case len(a) > 1 && strings.HasSuffix(a, "1") && b == a[:len(a)-1]+"2" && numberedHalfStem.MatchString(a[:len(a)-1]):
			// Numbered halves follow the arch's register order for a pair.
			// Only offsets and lengths are split this way (ppc32's
			// sync_file_range2 offset1/offset2); kcmp's pid1/pid2 and
			// sysfs's arg1/arg2 are two separate values.
			m[i], m[i+1] = pair{i + 1, !bigEndian}, pair{i, bigEndian}
			i++
		}
	}
	return m
}

// halfSuffixes end the names of the halves of a split 64-bit value, longest
// first: preadv's pos_l/pos_h, _llseek's offset_high/offset_low, 386's
// ia32 wrappers' poslo/poshi.
var halfSuffixes = []string{"_low", "_high", "_lo", "_hi", "_l", "_h", "low", "high", "lo", "hi"}

// numberedHalfStem names the values a 32-bit arch passes as numbered
// halves (offset1, offset2).
var numberedHalfStem = regexp.MustCompile(`^(offset|pos|len|nbytes)$`)

func pairStem(n string) string {
	for _, suf := range halfSuffixes {
		if strings.HasSuffix(n, suf) {
			return strings.TrimSuffix(n, suf)
		}
	}
	if len(n) > 1 && (strings.HasSuffix(n, "1") || strings.HasSuffix(n, "2")) {
		return n[:len(n)-1]
	}
	return n
}

func isLowHalf(n string) bool {
	return strings.HasSuffix(n, "low") || strings.HasSuffix(n, "lo") || strings.HasSuffix(n, "_l")
}

// rtKind picks how the runtime prints a whole slot.
func rtKind(sys, cname string, p *Param, cp cParam) string {
	switch p.Kind {
	case kString:
		return "KindString"
	case kStrings:
		return "KindStrings"
	case kBuf:
		return "KindBuf"
	case kLen:
		return "KindLen"
	case kStruct, kIntPtr, kRawPtr, kSlice:
		return "KindPtr"
	case kCount, kSize:
		return "KindUint"
	}
	switch {
	case cname == "prot" && (strings.HasPrefix(sys, "mmap") || strings.Contains(sys, "mprotect") || sys == "remap_file_pages"):
		return "KindProt"
	case cname == "flags" && strings.HasPrefix(sys, "mmap"):
		return "KindMapFlags"
	case cname == "mask" && sys == "statx":
		return "KindStatxMask"
	case dirfdName.MatchString(cname):
		return "KindDirFD"
	case fdName.MatchString(cname) || cname == "fildes":
		return "KindFD"
	case cp.ct.base == "umode_t" || (cname == "mode" && (sys == "open" || sys == "openat" || sys == "creat")) || sys == "umask":
		return "KindMode"
	case (cname == "flags" || cname == "flag") && openFlagSyscalls[sys]:
		return "KindOpenFlags"
	case (cname == "flags" || cname == "flag" || cname == "atflags" || cname == "at_flags") && atFlagSyscalls(sys):
		return "KindAtFlags"
	case addrName.MatchString(cname):
		return "KindHex"
	case strings.HasPrefix(cp.ct.base, "unsigned") || strings.HasPrefix(cp.ct.base, "u") || strings.HasPrefix(cp.ct.base, "__u") || cp.ct.base == "size_t":
		if strings.Contains(cname, "flag") || strings.Contains(cname, "mask") {
			return "KindHex"
		}
		return "KindUint"
	}
	return "KindInt"
}

// addrResults are the syscalls whose result is an address: traces print
// it in hex (runtime.Sig.Ret).
var addrResults = set("mmap", "mmap2", "old_mmap", "mremap", "brk", "shmat")

var openFlagSyscalls = set("open", "openat", "creat", "open_by_handle_at", "dup3", "pipe2", "eventfd2", "inotify_init1", "signalfd4", "timerfd_create", "epoll_create1")

func atFlagSyscalls(sys string) bool {
	return strings.HasSuffix(sys, "at") || strings.HasSuffix(sys, "at2") || sys == "statx" || sys == "execveat" || sys == "newfstatat" || sys == "fstatat64" || sys == "name_to_handle_at" || sys == "open_tree" || sys == "move_mount"
}

// reservedMethods are the methods a typed Chain has besides the syscalls:
// its own (Chain, New) and every method runtime.Chain promotes, read from
// runtime.Chain itself so a new runtime method is reserved the moment it
// exists. A syscall whose Go name is one of them gets the prefix "Sys": mips
// o32's syscall 4000 "syscall" becomes SysSyscall, leaving Syscall the raw
// escape hatch.
var reservedMethods = func() map[string]bool {
	m := set("Chain", "New")
	typ := reflect.TypeOf(&runtime.Chain{})
	for i := 0; i < typ.NumMethod(); i++ {
		m[typ.Method(i).Name] = true
	}
	return m
}()

// methodName is the Go method for a table row: x/sys/unix style CamelCase
// of the table name ("rt_sigaction" → "RtSigaction", "_llseek" → "Llseek").
// An entry point of the "old" generation that shares its name with a newer
// interface gets the prefix Old (386's mmap is sys_old_mmap, taking one
// struct pointer: OldMmap), so the plain name keeps one meaning everywhere.
func methodName(row *tables.Syscall) string {
	n := camel(row.Name)
	if strings.HasPrefix(row.Entry, "sys_old_") && !strings.HasPrefix(row.Name, "old") {
		n = "Old" + n
	}
	if reservedMethods[n] {
		n = "Sys" + n
	}
	return n
}

func camel(s string) string {
	var b strings.Builder
	for _, part := range strings.Split(s, "_") {
		if part == "" {
			continue
		}
		r := []rune(part)
		r[0] = unicode.ToUpper(r[0])
		b.WriteString(string(r))
	}
	return b.String()
}

// goKeywords and the names generated code itself uses cannot be parameter names.
var badParamNames = set("break", "case", "chan", "const", "continue", "default", "defer", "else",
	"fallthrough", "for", "func", "go", "goto", "if", "import", "interface", "map", "package",
	"range", "return", "select", "struct", "switch", "type", "var",
	"c", "unix", "unsafe", "runtime", "len", "cap", "new", "make", "string", "int", "int64", "byte", "copy", "append", "error", "nil", "true", "false", "uintptr", "any", "min", "max", "clear", "print", "println", "real", "complex", "imag", "close", "delete", "panic", "recover")

// paramRenames are the readable replacements for common clashing names.
var paramRenames = map[string]string{"type": "typ", "len": "length", "func": "fn", "cap": "capacity", "new": "newArg", "c": "cArg"}

// goParamName turns a C name into a Go one: lowerCamelCase, leading
// underscores dropped, keywords and predeclared names renamed, unique.
func goParamName(cname string, used map[string]int) string {
	c := camel(cname)
	if c == "" {
		c = "Arg"
	}
	r := []rune(c)
	r[0] = unicode.ToLower(r[0])
	n := string(r)
	if r, ok := paramRenames[n]; ok {
		n = r
	} else if badParamNames[n] {
		n += "Arg"
	}
	if k := used[n]; k > 0 {
		used[n] = k + 1
		n = fmt.Sprintf("%s%d", n, k+1)
	} else {
		used[n] = 1
	}
	return n
}

// proto renders the C prototype, e.g.
// "long pread64(unsigned int fd, char __user *buf, size_t count, loff_t pos)".
func proto(row *tables.Syscall) string {
	return "long " + row.Name + "(" + row.Signature() + ")"
}

// canonicalise gives each syscall name one Go parameter order across arches:
// the order of the first arch in refOrder that has it. Another arch whose
// parameters are the same set (by Go name and type) in a different order —
// clone, whose kernel order differs per arch (CLONE_BACKWARDS, ...2) — is
// reordered; only the Go signature changes, the slots still follow the
// arch's own table.
func canonicalise(archs []*Arch) {
	byArch := map[string]*Arch{}
	for _, a := range archs {
		byArch[a.GoArch] = a
	}
	order := append([]string(nil), refOrder...)
	for _, a := range archs {
		if !contains(order, a.GoArch) {
			order = append(order, a.GoArch)
		}
	}
	ref := map[string][]*Param{}
	for _, g := range order {
		a := byArch[g]
		if a == nil {
			continue
		}
		for _, s := range a.Syscalls {
			if !s.HasSig {
				continue
			}
			if _, ok := ref[s.GoName]; !ok {
				ref[s.GoName] = s.Params
				continue
			}
			if r, ok := reorder(s.Params, ref[s.GoName]); ok {
				s.Params = r
			} else if sameGoTypes(s.Params, ref[s.GoName]) {
				// The same types in the same order under other C names
				// (buf on one arch, ubuf on another): one set of Go names.
				for i, p := range s.Params {
					p.Name = ref[s.GoName][i].Name
				}
			}
		}
	}
}

// refOrder is the preference for the arch whose parameter order is canonical.
var refOrder = []string{"amd64", "arm64", "riscv64", "loong64", "ppc64le", "ppc64", "s390x", "mips64le", "mips64", "sparc64", "386", "arm", "mipsle", "mips", "ppc"}

func sameGoTypes(ps, ref []*Param) bool {
	if len(ps) != len(ref) {
		return false
	}
	for i := range ps {
		if ps[i].GoType() != ref[i].GoType() {
			return false
		}
	}
	return true
}

func reorder(ps, ref []*Param) ([]*Param, bool) {
	if len(ps) != len(ref) {
		return nil, false
	}
	byName := map[string]*Param{}
	for _, p := range ps {
		byName[p.Name] = p
	}
	out := make([]*Param, len(ref))
	for i, r := range ref {
		p, ok := byName[r.Name]
		if !ok || p.GoType() != r.GoType() {
			return nil, false
		}
		out[i] = p
	}
	return out, true
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// SortedNames returns the table names of a's syscalls, sorted.
func (a *Arch) SortedNames() []string {
	var ns []string
	for _, s := range a.Syscalls {
		ns = append(ns, s.Name)
	}
	sort.Strings(ns)
	return ns
}
