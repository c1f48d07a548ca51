// Package tablegen builds syschain's per-arch syscall tables (package
// tables) from a Linux source tree and the hand-kept overlay.
//
// Numbers come from each arch's .tbl file, filtered by ABI as the kernel's
// Makefiles filter it, or, for the arches on the generic list (arm64,
// riscv64, loong64), from scripts/syscall.tbl with the ABIs of the arch's
// kernel/Makefile.syscalls (Linux ≥ 6.11) or from
// include/uapi/asm-generic/unistd.h through gcc's preprocessor (≤ 6.10),
// whichever the tree has (layout.go). Signatures come from the entry
// point's SYSCALL_DEFINEn, with the #if conditions around it evaluated for
// the arch (Kconfig selects, __ARCH_WANT_ macros, word size), falling back
// to sys_*() prototypes (include/linux/syscalls.h, arch headers). Register
// slots follow the arch's calling convention for 64-bit arguments. The
// overlay adds newer syscalls, checked against any tree that has them, and
// fixes what the tree cannot say. Build does all of it in memory; Write
// writes every arch or none. Diff and CheckCompat compare two sets of
// tables (syschain-gen tables -diff, syschain-gen tables-compat).
package tablegen

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/syschain/syschain/tables"
)

// Result is a built set of tables.
type Result struct {
	Kernel   string // kernel version, e.g. "6.12.117"
	Overlay  string // how rows cite the overlay, e.g. "overlay.txt"
	Arches   []*tables.Arch
	Headers  map[string][]string // per GOARCH, the file header lines
	Warnings []string            // oddities met in the tree (unparsable definitions)
	// Superseded lists the overlay's "new" rows the tree already has (on
	// some or all of the arches they name), in overlay order. Each was
	// checked against the tree; the committed overlay should hold none.
	Superseded []Supersession
}

// sigDirs are the parts of the tree that hold syscall definitions. The
// extraction script (tables/extract-kernel.sh) extracts the same list.
var sigDirs = []string{
	"block", "fs", "init", "io_uring", "ipc", "kernel", "mm", "net",
	"security", "lib", "virt", "crypto", "include/linux/syscalls.h",
	"drivers/char/random.c", "drivers/pci/syscall.c",
}

// SourcePaths lists the paths of a kernel tree the generator reads, for
// extraction scripts and for error messages.
func SourcePaths() []string {
	// scripts: scripts/syscall.tbl and Makefile.asm-headers (Linux ≥ 6.11);
	// the directory, so that a pattern matches older tarballs too.
	paths := []string{"Makefile", "scripts", genericUnist, "include/uapi/asm-generic/bitsperlong.h"}
	paths = append(paths, sigDirs...)
	seen := map[string]bool{}
	for _, t := range Targets {
		if !seen[t.SrcArch] {
			seen[t.SrcArch] = true
			paths = append(paths, "arch/"+t.SrcArch)
		}
	}
	return paths
}

// checkTree finds each target's number layout and reports, in one
// error, what the tree lacks.
func checkTree(root string, targets []Target) (map[string]numSpec, error) {
	st, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("kernel tree %s: %v (pass -kernel a Linux source tree or a linux-source .tar.xz)", root, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("kernel tree %s: not a directory (pass an extracted tree or a .tar.xz)", root)
	}
	specs := map[string]numSpec{}
	need := []string{"Makefile", "include/linux/syscalls.h", "kernel/fork.c", "fs/read_write.c"}
	var layoutErrs []string
	for _, t := range targets {
		spec, err := detectLayout(root, t)
		if err != nil {
			layoutErrs = append(layoutErrs, err.Error())
			continue
		}
		specs[t.GoArch] = spec
		need = append(need, spec.Need...)
		need = append(need, "arch/"+t.SrcArch+"/Kconfig")
	}
	var missing []string
	seen := map[string]bool{}
	for _, p := range need {
		if seen[p] {
			continue
		}
		seen[p] = true
		if _, err := os.Stat(filepath.Join(root, p)); err != nil {
			missing = append(missing, p)
		}
	}
	var problems []string
	if len(missing) > 0 {
		problems = append(problems, fmt.Sprintf("is missing %d of the files the tables come from: %s", len(missing), strings.Join(missing, ", ")))
	}
	problems = append(problems, layoutErrs...)
	if len(problems) > 0 {
		return nil, fmt.Errorf("kernel tree %s %s (is it a Linux source tree, fully extracted? tables/extract-kernel.sh makes one)",
			root, strings.Join(problems, "; "))
	}
	return specs, nil
}

var versionRe = regexp.MustCompile(`(?m)^(VERSION|PATCHLEVEL|SUBLEVEL) = (\d+)`)

func kernelVersion(root string) (string, error) {
	data, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		return "", err
	}
	v := map[string]string{}
	for _, m := range versionRe.FindAllStringSubmatch(string(data), -1) {
		if _, ok := v[m[1]]; !ok {
			v[m[1]] = m[2]
		}
	}
	if len(v) != 3 {
		return "", fmt.Errorf("%s/Makefile: no VERSION/PATCHLEVEL/SUBLEVEL lines: not a Linux tree", root)
	}
	return v["VERSION"] + "." + v["PATCHLEVEL"] + "." + v["SUBLEVEL"], nil
}

// treeScan is everything read from the C and assembly sources.
type treeScan struct {
	defs     map[string][]cdef   // by symbol
	asm      map[string][]string // symbol -> files with an assembly label
	wrappers map[string]wrapper  // macro-made entry point -> its C function
	warnings []string
}

func scanTree(root string, targets []Target) (*treeScan, error) {
	var files []string
	var warnings []string
	roots := append([]string{}, sigDirs...)
	seen := map[string]bool{}
	for _, t := range targets {
		if !seen[t.SrcArch] {
			seen[t.SrcArch] = true
			roots = append(roots, "arch/"+t.SrcArch)
		}
	}
	for _, r := range roots {
		if _, err := os.Stat(filepath.Join(root, r)); os.IsNotExist(err) {
			// Older trees lack some (io_uring is 5.1's); a syscall
			// defined there would show up without a signature.
			warnings = append(warnings, fmt.Sprintf("the tree has no %s: signatures defined there are not found", r))
			continue
		}
		err := filepath.WalkDir(filepath.Join(root, r), func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				return nil
			}
			if n := d.Name(); strings.HasSuffix(n, ".c") || strings.HasSuffix(n, ".h") || strings.HasSuffix(n, ".S") {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("reading the kernel tree: %v", err)
		}
	}
	sort.Strings(files)
	results := make([]fileScan, len(files))
	errs := make([]error, len(files))
	var wg sync.WaitGroup
	work := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				data, err := os.ReadFile(files[i])
				if err != nil {
					errs[i] = err
					continue
				}
				rel, _ := filepath.Rel(root, files[i])
				rel = filepath.ToSlash(rel)
				if strings.HasSuffix(rel, ".S") {
					if !bytes.Contains(data, []byte("sys")) {
						continue
					}
				} else if !bytes.Contains(data, []byte("SYSCALL_DEFINE")) && !bytes.Contains(data, []byte("sys_")) && !bytes.Contains(data, []byte("save_static_function")) {
					continue
				}
				results[i] = scanFile(rel, data)
			}
		}()
	}
	for i := range files {
		work <- i
	}
	close(work)
	wg.Wait()
	ts := &treeScan{defs: map[string][]cdef{}, asm: map[string][]string{}, wrappers: map[string]wrapper{}, warnings: warnings}
	for i, r := range results {
		if errs[i] != nil {
			return nil, errs[i]
		}
		for _, d := range r.defs {
			ts.defs[d.Sym] = append(ts.defs[d.Sym], d)
		}
		for _, s := range r.asmSyms {
			rel, _ := filepath.Rel(root, files[i])
			ts.asm[s] = append(ts.asm[s], filepath.ToSlash(rel))
		}
		for _, w := range r.wrappers {
			ts.wrappers[w.Sym] = w
		}
		ts.warnings = append(ts.warnings, r.warnings...)
	}
	return ts, nil
}

// inArch reports whether a file may serve target t: generic code, or code
// under t's own arch directory.
// Two conventions of the arch directories are applied: arch/x86/um is
// User-Mode Linux (another arch), and a file named *_32.c or *_64.c is
// built only for that word size (its Makefile says so; e.g.
// arch/powerpc/kernel/pci_32.c).
func inArch(file string, t Target) bool {
	if !strings.HasPrefix(file, "arch/") {
		return true
	}
	if !strings.HasPrefix(file, "arch/"+t.SrcArch+"/") || strings.HasPrefix(file, "arch/x86/um/") {
		return false
	}
	base := strings.TrimSuffix(strings.TrimSuffix(file, ".c"), ".h")
	switch {
	case strings.HasSuffix(base, "_32"):
		return t.Bits == 32
	case strings.HasSuffix(base, "_64"):
		return t.Bits == 64
	}
	return true
}

// sigResult is a resolved signature.
type sigResult struct {
	params []tables.Param
	source string
	note   string // why there is none, when params == nil
}

// resolve finds the signature of C symbol sym on target t.
func resolve(ts *treeScan, env *macroEnv, t Target, sym string, condCache map[string]tri) (sigResult, []string) {
	sr, warns := resolve1(ts, env, t, sym, condCache)
	if sr.params != nil {
		sr.params = expandArg64(t, sr.params)
	}
	return sr, warns
}

// expandArg64 turns an SC_ARG64(name) parameter into its two u32 halves,
// in the order include/linux/syscalls.h gives for the arch's endianness.
func expandArg64(t Target, params []tables.Param) []tables.Param {
	var out []tables.Param
	for _, p := range params {
		if p.Type != scArg64 {
			out = append(out, p)
			continue
		}
		lo, hi := tables.Param{Name: p.Name + "_lo", Type: "u32"}, tables.Param{Name: p.Name + "_hi", Type: "u32"}
		if t.BigEndian {
			out = append(out, hi, lo)
		} else {
			out = append(out, lo, hi)
		}
	}
	if out == nil {
		out = []tables.Param{}
	}
	return out
}

func resolve1(ts *treeScan, env *macroEnv, t Target, sym string, condCache map[string]tri) (sigResult, []string) {
	var warns []string
	var archAsm string
	for _, f := range ts.asm[sym] {
		if inArch(f, t) && strings.HasPrefix(f, "arch/") {
			archAsm = f
			break
		}
	}
	eval := func(c string) tri {
		if c == "" {
			return triTrue
		}
		if v, ok := condCache[c]; ok {
			return v
		}
		v, err := env.evalCond(c)
		if err != nil {
			v = triUnknown
		}
		condCache[c] = v
		return v
	}
	pick := func(proto bool) *cdef {
		var best []*cdef
		bestScore := math.MinInt
		for i := range ts.defs[sym] {
			d := &ts.defs[sym][i]
			if d.Proto != proto || !inArch(d.File, t) {
				continue
			}
			// The generic prototype of a symbol the arch implements in
			// assembly describes the C function the arch replaced.
			if proto && archAsm != "" && !strings.HasPrefix(d.File, "arch/") {
				continue
			}
			c := eval(d.Cond)
			if c == triFalse {
				continue
			}
			// Prefer a condition known true, then the arch's own code.
			score := 0
			if c == triTrue {
				score += 2
			}
			if strings.HasPrefix(d.File, "arch/") {
				score++
			}
			if proto && d.File == "include/linux/syscalls.h" {
				score-- // an arch header knows the arch's own variant
			}
			if strings.Contains(d.File, "stubs") || strings.HasSuffix(d.File, "sys_ni.c") {
				score -= 4 // the stub for a configuration without the feature
			}
			if score > bestScore {
				best, bestScore = []*cdef{d}, score
			} else if score == bestScore {
				best = append(best, d)
			}
		}
		if len(best) == 0 {
			return nil
		}
		for _, d := range best[1:] {
			if !sameParams(d.Params, best[0].Params) {
				warns = append(warns, fmt.Sprintf("%s: %s: definitions at %s:%d and %s:%d differ and #if does not decide; using the first",
					t.GoArch, sym, best[0].File, best[0].Line, d.File, d.Line))
				break
			}
		}
		return best[0]
	}
	if d := pick(false); d != nil {
		return sigResult{params: d.Params, source: d.File}, warns
	}
	if d := pick(true); d != nil {
		return sigResult{params: d.Params, source: d.File}, warns
	}
	if w, ok := ts.wrappers[sym]; ok && inArch(w.File, t) {
		sr, ws := resolve1(ts, env, t, w.Target, condCache)
		if sr.params != nil {
			sr.source = fmt.Sprintf("%s (%s wraps %s)", sr.source, sym, w.Target)
		}
		return sr, append(warns, ws...)
	}
	if archAsm != "" {
		return sigResult{source: archAsm, note: "assembly entry point " + sym + " in " + archAsm + ", no C signature"}, warns
	}
	return sigResult{source: "-", note: "no C definition or prototype of " + sym + " in the tree"}, warns
}

// sameParams compares parameter lists; a top-level const on a value
// parameter does not change the ABI.
func sameParams(a, b []tables.Param) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		ta, tb := a[i].Type, b[i].Type
		if !strings.HasSuffix(ta, "*") {
			ta = strings.TrimPrefix(ta, "const ")
		}
		if !strings.HasSuffix(tb, "*") {
			tb = strings.TrimPrefix(tb, "const ")
		}
		if a[i].Name != b[i].Name || ta != tb {
			return false
		}
	}
	return true
}

// is64 reports whether a C type is a 64-bit integer, which a 32-bit ABI
// passes in two registers.
func is64(typ string) bool {
	typ = strings.TrimPrefix(typ, "const ")
	switch typ {
	case "loff_t", "u64", "__u64", "s64", "__s64", "long long", "unsigned long long",
		"long long int", "unsigned long long int", "__kernel_loff_t", "uint64_t", "int64_t",
		"aligned_u64", "__aligned_u64", "off64_t":
		return true
	}
	return false
}

// computeSlots lays the parameters out in argument registers.
func computeSlots(t Target, params []tables.Param) []tables.Slot {
	slots := make([]tables.Slot, 0, len(params)+2)
	for i, p := range params {
		if t.Bits == 32 && is64(p.Type) {
			if t.PairAlign && len(slots)%2 == 1 {
				slots = append(slots, tables.Slot{Param: -1, Part: tables.Pad})
			}
			// The pair is in memory order: big-endian puts the high
			// word in the first register.
			if t.BigEndian {
				slots = append(slots, tables.Slot{Param: i, Part: tables.Hi}, tables.Slot{Param: i, Part: tables.Lo})
			} else {
				slots = append(slots, tables.Slot{Param: i, Part: tables.Lo}, tables.Slot{Param: i, Part: tables.Hi})
			}
			continue
		}
		slots = append(slots, tables.Slot{Param: i, Part: tables.Whole})
	}
	return slots
}

// Build reads a kernel tree and the overlay and builds every arch's table.
// overlayPath is read; overlayName is how rows cite it ("overlay.txt").
func Build(root, overlayPath, overlayName string) (*Result, error) {
	return BuildTargets(root, overlayPath, overlayName, Targets)
}

// BuildTargets is Build for some of the targets (tests build small
// fixture trees that hold one or two arches). Overlay rows naming only
// other arches are not checked.
func BuildTargets(root, overlayPath, overlayName string, targets []Target) (*Result, error) {
	specs, err := checkTree(root, targets)
	if err != nil {
		return nil, err
	}
	ver, err := kernelVersion(root)
	if err != nil {
		return nil, err
	}
	overlay, err := readOverlay(overlayPath, overlayName)
	if err != nil {
		return nil, err
	}
	ts, err := scanTree(root, targets)
	if err != nil {
		return nil, err
	}
	res := &Result{Kernel: ver, Overlay: overlayName, Headers: map[string][]string{}}
	res.Warnings = append(res.Warnings, ts.warnings...)
	for _, t := range targets {
		a, hdr, warns, err := buildArch(root, t, specs[t.GoArch], ts, overlay, ver, overlayName)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", t.GoArch, err)
		}
		res.Arches = append(res.Arches, a)
		res.Headers[t.GoArch] = hdr
		res.Warnings = append(res.Warnings, warns...)
	}
	for _, r := range overlay {
		if !r.used && r.namesAny(targets) {
			return nil, fmt.Errorf("%s: %s matches no row of the arches it names (%s): drop or fix the row", r.Where, r.Name, strings.Join(r.Arches, ","))
		}
		if len(r.supersededOn) > 0 {
			res.Superseded = append(res.Superseded, r.supersession(targets))
		}
	}
	return res, nil
}

func buildArch(root string, t Target, spec numSpec, ts *treeScan, overlay []*overlayRow, ver, overlayName string) (*tables.Arch, []string, []string, error) {
	var rows []numRow
	var err error
	if spec.Layout == LayoutUnistdH {
		rows, err = readGeneric(root, t)
	} else {
		rows, err = readTbl(root, spec)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	env, err := archEnv(root, t)
	if err != nil {
		return nil, nil, nil, err
	}
	cache := map[string]tri{}
	var warns []string
	var calls []tables.Syscall
	byNr := map[int]int{}      // number -> index in calls
	byName := map[string]int{} // name -> index in calls
	where := map[int]string{}  // number -> the tree's file:line
	add := func(s tables.Syscall) {
		byNr[s.Nr] = len(calls)
		byName[s.Name] = len(calls)
		calls = append(calls, s)
	}
	for _, r := range rows {
		if i, dup := byNr[r.Nr]; dup {
			return nil, nil, nil, fmt.Errorf("%s: number %d is both %s and %s", r.Where, r.Nr, calls[i].Name, r.Name)
		}
		if _, dup := byName[r.Name]; dup {
			return nil, nil, nil, fmt.Errorf("%s: name %s is used twice", r.Where, r.Name)
		}
		s := tables.Syscall{Nr: r.Nr, Name: r.Name, Entry: r.Entry}
		if r.Entry == "" {
			s.Source = r.Where
			s.Note = "not implemented"
		} else {
			sr, w := resolve(ts, env, t, r.Entry, cache)
			warns = append(warns, w...)
			setSig(&s, t, sr.params, sr.source, sr.note)
		}
		where[r.Nr] = r.Where
		add(s)
	}
	treeVer, err := parseRelease(ver)
	if err != nil {
		return nil, nil, nil, err
	}
	// The overlay, in file order: new rows and signatures.
	for _, o := range overlay {
		if !o.appliesTo(t.GoArch) {
			continue
		}
		switch o.Kind {
		case "new":
			nr := o.Nr + spec.Offset
			iNr, hasNr := byNr[nr]
			iName, hasName := byName[o.Name]
			if hasNr || hasName {
				// The tree has the call: it wins, and the row must
				// agree with it.
				if err := checkSuperseded(t, o, nr, calls, iNr, hasNr, iName, hasName, where, ts, env, cache, ver, treeVer); err != nil {
					return nil, nil, nil, err
				}
				o.supersededOn = append(o.supersededOn, supersededOn{goarch: t.GoArch, where: where[calls[iNr].Nr]})
				o.used = true
				continue
			}
			if !treeVer.less(o.Since) {
				return nil, nil, nil, fmt.Errorf("%s: %s: the row says Linux %s added %s, but this Linux %s tree has no %s and no number %d on %s: fix the row's since or arches column",
					o.Where, o.Name, o.Since, o.Name, ver, o.Name, nr, t.GoArch)
			}
			s := tables.Syscall{Nr: nr, Name: o.Name, Entry: o.Entry}
			if err := applyOverlaySig(&s, t, o, ts, env, cache); err != nil {
				return nil, nil, nil, err
			}
			if s.Entry == "" {
				s.Note = "not implemented"
			}
			add(s)
			o.used = true
		case "sig":
			i, ok := byName[o.Name]
			if !ok {
				continue
			}
			s := &calls[i]
			if o.Entry != s.Entry {
				return nil, nil, nil, fmt.Errorf("%s: %s %s has entry %q in the tree, the row says %q", o.Where, t.GoArch, o.Name, s.Entry, o.Entry)
			}
			if err := applyOverlaySig(s, t, o, ts, env, cache); err != nil {
				return nil, nil, nil, err
			}
			o.used = true
		}
	}
	sort.Slice(calls, func(i, j int) bool { return calls[i].Nr < calls[j].Nr })
	a := &tables.Arch{GoArch: t.GoArch, LinuxArch: t.LinuxArch, Bits: t.Bits, BigEndian: t.BigEndian, Syscalls: calls}
	hdr := []string{
		fmt.Sprintf(`Code generated by "syschain-gen tables" from Linux %s and tables/%s; DO NOT EDIT.`, ver, overlayName),
		"Regenerate with `make tables` (syschain-gen tables -kernel TREE -out tables/); the format is in tables/format.go.",
		"",
		"Numbers: " + spec.describe(t) + ".",
		fmt.Sprintf("Signatures: SYSCALL_DEFINEn of the entry point (#if evaluated for %s), else sys_*() prototypes", t.GoArch),
		fmt.Sprintf("(include/linux/syscalls.h, arch/%s), else tables/%s. Slots: the %s calling convention.", t.SrcArch, overlayName, slotConvention(t)),
		"",
	}
	return a, hdr, warns, nil
}

// checkSuperseded compares a "new" overlay row with the tree's row for
// the same call: number, name, entry point and signature must agree, and
// the tree must not predate the release the row names. Each mismatch is
// an error that shows both sides.
func checkSuperseded(t Target, o *overlayRow, nr int, calls []tables.Syscall, iNr int, hasNr bool, iName int, hasName bool,
	where map[int]string, ts *treeScan, env *macroEnv, cache map[string]tri, ver string, treeVer release) error {
	switch {
	case hasNr && calls[iNr].Name != o.Name:
		return fmt.Errorf("%s: the row says %s is number %d on %s, but the tree's number %d is %s (%s): fix the row",
			o.Where, o.Name, nr, t.GoArch, nr, calls[iNr].Name, where[nr])
	case hasName && calls[iName].Nr != nr:
		return fmt.Errorf("%s: the row says %s is number %d on %s, but the tree has it as number %d (%s): fix the row",
			o.Where, o.Name, nr, t.GoArch, calls[iName].Nr, where[calls[iName].Nr])
	}
	s := &calls[iNr]
	treeSide := fmt.Sprintf("tree (%s, signature from %s)", where[nr], s.Source)
	if s.Entry != o.Entry {
		return fmt.Errorf("%s: %s on %s: entry point differs:\n\trow:  %s\n\t%s: %s\nfix the row", o.Where, o.Name, t.GoArch, orDash(o.Entry), treeSide, orDash(s.Entry))
	}
	if s.Entry != "" {
		want := tables.Syscall{Entry: o.Entry}
		if err := applyOverlaySig(&want, t, o, ts, env, cache); err != nil {
			return err
		}
		if !s.HasSig && want.HasSig {
			return fmt.Errorf("%s: %s on %s: the tree has the call but no signature for it (%s), so the row's signature cannot be checked: make the row a sig row (nr \"-\") that gives the signature", o.Where, o.Name, t.GoArch, s.Note)
		}
		if s.Signature() != want.Signature() {
			return fmt.Errorf("%s: %s on %s: signature differs:\n\trow:  %s\n\t%s: %s\nfix the row", o.Where, o.Name, t.GoArch, want.Signature(), treeSide, s.Signature())
		}
	}
	if treeVer.less(o.Since) {
		return fmt.Errorf("%s: %s: the row says Linux %s added it, but this Linux %s tree already has it on %s (%s): fix the row's since column",
			o.Where, o.Name, o.Since, ver, t.GoArch, where[nr])
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func slotConvention(t Target) string {
	if t.Bits == 64 {
		return "64-bit (one register per parameter)"
	}
	s := "32-bit (a 64-bit parameter in two registers"
	if t.PairAlign {
		s += ", starting at an even register"
	}
	if t.BigEndian {
		s += ", high word first)"
	} else {
		s += ", low word first)"
	}
	return s
}

func setSig(s *tables.Syscall, t Target, params []tables.Param, source, note string) {
	s.Source = source
	s.Note = note
	if params == nil {
		s.HasSig, s.Params, s.Slots = false, nil, nil
		return
	}
	s.HasSig = true
	s.Params = params
	s.Slots = computeSlots(t, params)
}

func applyOverlaySig(s *tables.Syscall, t Target, o *overlayRow, ts *treeScan, env *macroEnv, cache map[string]tri) error {
	switch {
	case o.Alias != "":
		sr, _ := resolve(ts, env, t, o.Alias, cache)
		if sr.params == nil {
			return fmt.Errorf("%s: =%s: the tree has no signature for %s on %s (%s)", o.Where, o.Alias, o.Alias, t.GoArch, sr.note)
		}
		setSig(s, t, sr.params, o.Where, "")
	case o.HasSig:
		setSig(s, t, o.Params, o.Where, "")
	default:
		setSig(s, t, nil, o.Where, "overlay: signature unknown ("+o.Source+")")
	}
	return nil
}
