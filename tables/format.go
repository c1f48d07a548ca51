package tables

// The table file format (linux_<goarch>.tbl), one file per GOARCH:
//
//	# free-form header comments: the command and the sources that made the file
//	!arch goarch=arm linux=arm bits=32 endian=little
//	# nr	name	entry	slots	signature	source	note
//	180	pread64	sys_pread64	fd,buf,count,.pad,pos.lo,pos.hi	unsigned int fd, char __user *buf, size_t count, loff_t pos	fs/read_write.c
//
// Lines starting with '#' and blank lines are comments. The `!arch` line
// comes once, before the rows. A row has six or seven tab-separated
// columns, and rows are sorted by number:
//
//   - nr: the syscall number as user space passes it (mips o32 read is 4003).
//   - name: the table's name for the call, unique in the file.
//   - entry: the kernel entry point, or "-" for a number the kernel reserves
//     but does not implement.
//   - slots: "=" when register k carries parameter k whole, "-" when the
//     signature is unknown, otherwise the registers in order, each NAME
//     (the whole parameter), NAME.lo / NAME.hi (a half of a 64-bit
//     parameter) or .pad (an alignment register that carries nothing).
//   - signature: the C parameters as the kernel declares them, "void" for
//     none, "?" when unknown.
//   - source: where the signature (or, for overlay rows, the whole row)
//     comes from: a kernel file, or overlay.txt:LINE.
//   - note (optional): why a row has no signature, or another caveat.

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Format writes a in the table file format. Each header line becomes a
// "# " comment at the top of the file. The output depends only on its
// arguments, so regenerating a table is reproducible.
func Format(w io.Writer, a *Arch, header []string) error {
	bw := bufio.NewWriter(w)
	for _, h := range header {
		if h == "" {
			bw.WriteString("#\n")
			continue
		}
		bw.WriteString("# " + h + "\n")
	}
	endian := "little"
	if a.BigEndian {
		endian = "big"
	}
	fmt.Fprintf(bw, "!arch goarch=%s linux=%s bits=%d endian=%s\n", a.GoArch, a.LinuxArch, a.Bits, endian)
	bw.WriteString("# nr\tname\tentry\tslots\tsignature\tsource\tnote\n")
	for i := range a.Syscalls {
		s := &a.Syscalls[i]
		if err := checkText(s); err != nil {
			return fmt.Errorf("tables: %s %s (nr %d): %v", a.GoArch, s.Name, s.Nr, err)
		}
		entry := s.Entry
		if entry == "" {
			entry = "-"
		}
		bw.WriteString(strconv.Itoa(s.Nr) + "\t" + s.Name + "\t" + entry + "\t" + formatSlots(s) + "\t" + s.Signature() + "\t" + s.Source)
		if s.Note != "" {
			bw.WriteString("\t" + s.Note)
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// checkText refuses values that would not read back as written.
func checkText(s *Syscall) error {
	if s.Source == "" {
		return fmt.Errorf("empty source")
	}
	for _, f := range []string{s.Name, s.Entry, s.Source, s.Note} {
		if strings.ContainsAny(f, "\t\n") {
			return fmt.Errorf("field %q contains a tab or newline", f)
		}
	}
	for _, p := range s.Params {
		if strings.ContainsAny(p.Type+p.Name, "\t\n,") {
			return fmt.Errorf("parameter %q %q contains a tab, newline or comma", p.Type, p.Name)
		}
	}
	return nil
}

func formatSlots(s *Syscall) string {
	if !s.HasSig {
		return "-"
	}
	if s.OneToOne() {
		return "="
	}
	parts := make([]string, len(s.Slots))
	for i, sl := range s.Slots {
		switch sl.Part {
		case Pad:
			parts[i] = ".pad"
		case Lo:
			parts[i] = s.Params[sl.Param].Name + ".lo"
		case Hi:
			parts[i] = s.Params[sl.Param].Name + ".hi"
		default:
			parts[i] = s.Params[sl.Param].Name
		}
	}
	return strings.Join(parts, ",")
}

// Parse reads a table file. name is used in errors ("linux_arm.tbl:180:
// ..."), which name the line and what is wrong with it.
func Parse(name string, data []byte) (*Arch, error) {
	a := &Arch{}
	seenArch := false
	lineNo := 0
	prevNr := -1
	// A count of rows lets Syscalls be allocated once.
	a.Syscalls = make([]Syscall, 0, bytes.Count(data, []byte("\n")))
	names := make(map[string]int, cap(a.Syscalls))
	// One string for the whole file: every field is a substring of it.
	text := string(data)
	for len(text) > 0 {
		lineNo++
		var line string
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			line, text = text, ""
		}
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		errf := func(format string, args ...any) error {
			return fmt.Errorf("%s:%d: %s", name, lineNo, fmt.Sprintf(format, args...))
		}
		if line[0] == '!' {
			if seenArch {
				return nil, errf("second !arch line")
			}
			if err := parseArchLine(a, line); err != nil {
				return nil, errf("%v", err)
			}
			seenArch = true
			continue
		}
		if !seenArch {
			return nil, errf("row before the !arch line")
		}
		s, err := parseRow(line)
		if err != nil {
			return nil, errf("%v", err)
		}
		if s.Nr <= prevNr {
			return nil, errf("number %d after %d: rows must be sorted by number, each number once", s.Nr, prevNr)
		}
		prevNr = s.Nr
		if l, dup := names[s.Name]; dup {
			return nil, errf("name %q already used on line %d", s.Name, l)
		}
		names[s.Name] = lineNo
		a.Syscalls = append(a.Syscalls, s)
	}
	if !seenArch {
		return nil, fmt.Errorf("%s: no !arch line: not a syscall table", name)
	}
	a.index()
	return a, nil
}

func parseArchLine(a *Arch, line string) error {
	f := strings.Fields(line)
	if f[0] != "!arch" {
		return fmt.Errorf("unknown directive %q (want !arch)", f[0])
	}
	seen := map[string]bool{}
	for _, kv := range f[1:] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || v == "" {
			return fmt.Errorf("!arch: %q is not key=value", kv)
		}
		seen[k] = true
		switch k {
		case "goarch":
			a.GoArch = v
		case "linux":
			a.LinuxArch = v
		case "bits":
			if v != "32" && v != "64" {
				return fmt.Errorf("!arch: bits=%s, want 32 or 64", v)
			}
			a.Bits, _ = strconv.Atoi(v)
		case "endian":
			if v != "little" && v != "big" {
				return fmt.Errorf("!arch: endian=%s, want little or big", v)
			}
			a.BigEndian = v == "big"
		default:
			return fmt.Errorf("!arch: unknown key %q", k)
		}
	}
	for _, k := range []string{"goarch", "linux", "bits", "endian"} {
		if !seen[k] {
			return fmt.Errorf("!arch: missing %s=", k)
		}
	}
	return nil
}

func parseRow(line string) (Syscall, error) {
	var s Syscall
	var arr [8]string
	cols := arr[:0]
	for rest := line; ; {
		i := strings.IndexByte(rest, '\t')
		if i < 0 || len(cols) == len(arr)-1 {
			cols = append(cols, rest)
			break
		}
		cols = append(cols, rest[:i])
		rest = rest[i+1:]
	}
	if len(cols) < 6 || len(cols) > 7 {
		n := len(cols)
		if n == len(arr) {
			n = strings.Count(line, "\t") + 1
		}
		return s, fmt.Errorf("%d tab-separated columns, want 6 or 7 (nr, name, entry, slots, signature, source[, note])", n)
	}
	nr, err := strconv.Atoi(cols[0])
	if err != nil || nr < 0 {
		return s, fmt.Errorf("number %q is not a non-negative decimal integer", cols[0])
	}
	s.Nr = nr
	if !isIdent(cols[1]) {
		return s, fmt.Errorf("name %q is not a C identifier", cols[1])
	}
	s.Name = cols[1]
	if cols[2] != "-" {
		if !isIdent(cols[2]) {
			return s, fmt.Errorf("entry %q is not a C identifier or \"-\"", cols[2])
		}
		s.Entry = cols[2]
	}
	if err := parseSig(&s, cols[4]); err != nil {
		return s, err
	}
	if err := parseSlots(&s, cols[3]); err != nil {
		return s, err
	}
	if cols[5] == "" {
		return s, fmt.Errorf("empty source column")
	}
	s.Source = cols[5]
	if len(cols) == 7 {
		s.Note = cols[6]
	}
	return s, nil
}

func parseSig(s *Syscall, sig string) error {
	switch sig {
	case "?":
		return nil
	case "void":
		s.HasSig = true
		s.Params = []Param{}
		return nil
	case "":
		return fmt.Errorf("empty signature (write \"void\" for none, \"?\" for unknown)")
	}
	s.HasSig = true
	decls := strings.Split(sig, ", ")
	s.Params = make([]Param, len(decls))
	for i, d := range decls {
		p, err := ParseDecl(d)
		if err != nil {
			return fmt.Errorf("signature parameter %d: %v", i+1, err)
		}
		for j := 0; j < i; j++ {
			if s.Params[j].Name == p.Name {
				return fmt.Errorf("signature: parameter name %q used twice", p.Name)
			}
		}
		s.Params[i] = p
	}
	return nil
}

// ParseDecl splits one C parameter declaration, e.g. "char __user *buf",
// into its type ("char __user *") and name ("buf").
func ParseDecl(d string) (Param, error) {
	d = strings.TrimSpace(d)
	end := len(d)
	start := end
	for start > 0 && isIdentByte(d[start-1]) {
		start--
	}
	name := d[start:end]
	typ := strings.TrimSpace(d[:start])
	if !isIdent(name) || typ == "" {
		return Param{}, fmt.Errorf("%q is not TYPE NAME", d)
	}
	return Param{Name: name, Type: typ}, nil
}

func parseSlots(s *Syscall, col string) error {
	switch col {
	case "-":
		if s.HasSig {
			return fmt.Errorf("slots \"-\" (unknown) but the signature is known: write \"=\" or the slots")
		}
		return nil
	case "=":
		if !s.HasSig {
			return fmt.Errorf("slots \"=\" but the signature is unknown (\"?\"): write \"-\"")
		}
		s.Slots = make([]Slot, len(s.Params))
		for i := range s.Params {
			s.Slots[i] = Slot{Param: i}
		}
		return nil
	}
	if !s.HasSig {
		return fmt.Errorf("slots %q but the signature is unknown (\"?\")", col)
	}
	toks := strings.Split(col, ",")
	s.Slots = make([]Slot, len(toks))
	used := make([]bool, len(s.Params))
	for i, t := range toks {
		if t == ".pad" {
			s.Slots[i] = Slot{Param: -1, Part: Pad}
			continue
		}
		pname, part, _ := strings.Cut(t, ".")
		p := -1
		for j := range s.Params {
			if s.Params[j].Name == pname {
				p = j
			}
		}
		if p < 0 {
			return fmt.Errorf("slot %d %q: no parameter %q in the signature", i+1, t, pname)
		}
		used[p] = true
		switch part {
		case "":
			s.Slots[i] = Slot{Param: p, Part: Whole}
		case "lo":
			s.Slots[i] = Slot{Param: p, Part: Lo}
		case "hi":
			s.Slots[i] = Slot{Param: p, Part: Hi}
		default:
			return fmt.Errorf("slot %d %q: want NAME, NAME.lo, NAME.hi or .pad", i+1, t)
		}
	}
	for j, u := range used {
		if !u {
			return fmt.Errorf("slots: parameter %q is in no slot", s.Params[j].Name)
		}
	}
	return nil
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isIdent(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isIdentByte(s[i]) {
			return false
		}
	}
	return true
}
