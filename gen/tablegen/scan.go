package tablegen

// Scanning C sources for syscall signatures: SYSCALL_DEFINEn(...) bodies
// and sys_*() prototypes, each with the preprocessor condition it sits
// under, plus assembly entry labels (to explain calls that have no C
// signature).

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"github.com/syschain/syschain/tables"
)

// cdef is one signature found in the tree.
type cdef struct {
	// Sym is the C symbol the definition creates: "sys_pread64" for
	// SYSCALL_DEFINE4(pread64, ...), or the prototype's name.
	Sym    string
	Params []tables.Param
	File   string // path relative to the tree
	Line   int
	// Cond is the #if condition it sits under ("" when none), plus the
	// condition a macro alias implies (macroAliases).
	Cond  string
	Proto bool // a prototype (or asmlinkage definition), not SYSCALL_DEFINE
}

// fileScan is what one file yields.
type fileScan struct {
	defs     []cdef
	asmSyms  []string
	wrappers []wrapper
	warnings []string
}

// wrapper is an entry point made by a macro from a C function.
type wrapper struct {
	Sym, Target string
	File        string
	Line        int
}

var (
	defineRe = regexp.MustCompile(`(?:^|[^A-Za-z0-9_])((PPC32_SYSCALL_|SYSCALL32_|SYSCALL_)DEFINE([0-6]))\s*\(`)
	protoRe  = regexp.MustCompile(`^\s*(?:asmlinkage\s+)?(?:long|int|unsigned\s+long|void)\s+((?:__)?sys_[a-z0-9_]*|sysm_[a-z0-9_]*)\s*\(`)
	// save_static_function(sys_X) (arch/mips/include/asm/sim.h) makes
	// __sys_X: save the static registers, jump to sys_X.
	wrapperRe = regexp.MustCompile(`^\s*save_static_function\((\w+)\)`)
	asmRe     = regexp.MustCompile(`^\s*(?:(?:ENTRY|SYM_FUNC_START|SYM_CODE_START|LEAF|NESTED|SYSCALL_ALIAS|ENTRY_CFI|_GLOBAL)\(\s*((?:__)?sys[A-Za-z0-9_]*)|((?:__)?sys[A-Za-z0-9_]*):)`)
)

// macroAliases are SYSCALL_DEFINE spellings that mean SYSCALL_DEFINE only
// under a condition (arch/powerpc/kernel/sys_ppc32.c defines them).
var macroAliases = map[string]string{
	"PPC32_SYSCALL_": "defined(CONFIG_PPC32)",
	// SYSCALL32_DEFINEn (include/linux/syscalls.h) is SYSCALL_DEFINEn
	// without CONFIG_COMPAT, i.e. natively on 32-bit kernels.
	"SYSCALL32_": "BITS_PER_LONG == 32",
}

// stripComments blanks C comments, keeping newlines so line numbers hold.
// String and character literals are skipped so "/*" inside them is text.
func stripComments(src []byte) []byte {
	out := make([]byte, 0, len(src))
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			j := bytes.Index(src[i+2:], []byte("*/"))
			end := len(src)
			if j >= 0 {
				end = i + 2 + j + 2
			}
			for _, d := range src[i:end] {
				if d == '\n' {
					out = append(out, '\n')
				}
			}
			out = append(out, ' ')
			i = end
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			j := bytes.IndexByte(src[i:], '\n')
			if j < 0 {
				i = len(src)
			} else {
				i += j
			}
		case c == '"' || c == '\'':
			j := i + 1
			for j < len(src) && src[j] != c && src[j] != '\n' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			if j < len(src) && src[j] == c {
				j++
			}
			if j > len(src) {
				j = len(src)
			}
			out = append(out, src[i:j]...)
			i = j
		default:
			out = append(out, c)
			i++
		}
	}
	return out
}

// condFrame is one open #if block: the branches before the current one
// (all false when the current one is taken) and the current branch.
type condFrame struct {
	prev []string
	cur  string
}

// neutralConds are conditions that choose how something is declared, not
// whether it exists, so they do not restrict a definition: the prototypes
// in include/linux/syscalls.h sit under !CONFIG_ARCH_HAS_SYSCALL_WRAPPER,
// and the wrapper arches (x86, arm64, s390, powerpc) define the same C
// functions through pt_regs stubs.
var neutralConds = map[string]bool{
	"!defined(CONFIG_ARCH_HAS_SYSCALL_WRAPPER)": true,
}

func condString(stack []condFrame) string {
	var parts []string
	for _, f := range stack {
		if neutralConds[f.cur] && len(f.prev) == 0 {
			continue
		}
		for _, p := range f.prev {
			parts = append(parts, "!("+p+")")
		}
		if f.cur != "1" {
			parts = append(parts, "("+f.cur+")")
		}
	}
	return strings.Join(parts, " && ")
}

// scanFile finds signatures (in .c and .h files) and assembly entry labels
// (in .S files).
func scanFile(rel string, src []byte) fileScan {
	var fs fileScan
	if strings.HasSuffix(rel, ".S") {
		for _, line := range strings.Split(string(src), "\n") {
			if m := asmRe.FindStringSubmatch(line); m != nil {
				sym := m[1]
				if sym == "" {
					sym = m[2]
				}
				fs.asmSyms = append(fs.asmSyms, sym)
			}
		}
		return fs
	}
	clean := string(stripComments(src))
	lines := strings.Split(clean, "\n")
	var stack []condFrame
	for i := 0; i < len(lines); i++ {
		lineNo := i + 1
		line := lines[i]
		trim := strings.TrimSpace(line)
		if strings.HasPrefix(trim, "#") {
			// Join continuation lines of a directive.
			for strings.HasSuffix(trim, "\\") && i+1 < len(lines) {
				i++
				trim = strings.TrimSuffix(trim, "\\") + " " + strings.TrimSpace(lines[i])
			}
			d := strings.TrimSpace(trim[1:])
			word, rest, _ := strings.Cut(d, " ")
			if j := strings.IndexAny(word, "\t("); j >= 0 {
				word, rest = word[:j], word[j:]+" "+rest
			}
			rest = strings.TrimSpace(rest)
			switch word {
			case "if":
				stack = append(stack, condFrame{cur: rest})
			case "ifdef":
				stack = append(stack, condFrame{cur: "defined(" + firstWord(rest) + ")"})
			case "ifndef":
				stack = append(stack, condFrame{cur: "!defined(" + firstWord(rest) + ")"})
			case "elif":
				if len(stack) > 0 {
					f := &stack[len(stack)-1]
					f.prev = append(f.prev, f.cur)
					f.cur = rest
				}
			case "else":
				if len(stack) > 0 {
					f := &stack[len(stack)-1]
					f.prev = append(f.prev, f.cur)
					f.cur = "1"
				}
			case "endif":
				if len(stack) > 0 {
					stack = stack[:len(stack)-1]
				} else {
					fs.warnings = append(fs.warnings, fmt.Sprintf("%s:%d: #endif without #if", rel, lineNo))
				}
			}
			continue
		}
		// Most lines mention neither; the regexps are the slow part.
		if !strings.Contains(line, "sys") && !strings.Contains(line, "DEFINE") {
			continue
		}
		if m := defineRe.FindStringSubmatchIndex(line); m != nil {
			// Gather the macro's arguments up to the balancing ')'.
			start := m[1] // just after '('
			text, consumed := gatherParens(lines, i, start)
			prefix := ""
			if m[4] >= 0 {
				prefix = line[m[4]:m[5]]
			}
			nargs := int(line[m[6]] - '0')
			cond := condString(stack)
			if alias, ok := macroAliases[prefix]; ok {
				if cond != "" {
					cond += " && "
				}
				cond += "(" + alias + ")"
			}
			d, err := parseDefine(text, nargs)
			if err != nil {
				fs.warnings = append(fs.warnings, fmt.Sprintf("%s:%d: %v", rel, lineNo, err))
			} else {
				d.File, d.Line, d.Cond = rel, lineNo, cond
				fs.defs = append(fs.defs, d)
			}
			i += consumed
			continue
		}
		if m := wrapperRe.FindStringSubmatch(line); m != nil {
			fs.wrappers = append(fs.wrappers, wrapper{Sym: "__" + m[1], Target: m[1], File: rel, Line: lineNo})
			continue
		}
		if m := protoRe.FindStringSubmatchIndex(line); m != nil {
			sym := line[m[2]:m[3]]
			text, consumed := gatherParens(lines, i, m[1])
			params, err := parseProtoParams(text)
			if err != nil {
				fs.warnings = append(fs.warnings, fmt.Sprintf("%s:%d: %s: %v", rel, lineNo, sym, err))
			} else {
				fs.defs = append(fs.defs, cdef{Sym: sym, Params: params, File: rel, Line: lineNo, Cond: condString(stack), Proto: true})
			}
			i += consumed
		}
	}
	return fs
}

func firstWord(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// gatherParens returns the text after lines[i][start:] up to (not
// including) the ')' that closes the already-open '(' and how many extra
// lines it took.
func gatherParens(lines []string, i, start int) (string, int) {
	var b strings.Builder
	depth := 1
	s := lines[i][start:]
	consumed := 0
	for {
		for k := 0; k < len(s); k++ {
			switch s[k] {
			case '(':
				depth++
			case ')':
				depth--
				if depth == 0 {
					b.WriteString(s[:k])
					return b.String(), consumed
				}
			}
		}
		b.WriteString(s)
		b.WriteByte(' ')
		if i+consumed+1 >= len(lines) || consumed > 40 {
			return b.String(), consumed
		}
		consumed++
		s = lines[i+consumed]
	}
}

// splitTop splits on commas outside parentheses.
func splitTop(s string) []string {
	var out []string
	depth, last := 0, 0
	for k := 0; k < len(s); k++ {
		switch s[k] {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, s[last:k])
				last = k + 1
			}
		}
	}
	return append(out, s[last:])
}

// normType collapses whitespace in a C type.
func normType(t string) string {
	return strings.Join(strings.Fields(t), " ")
}

// parseDefine reads "name, type1, arg1, ..." of SYSCALL_DEFINEn.
func parseDefine(text string, n int) (cdef, error) {
	args := splitTop(text)
	for k := range args {
		args[k] = strings.TrimSpace(args[k])
	}
	// The name is glued to "sys_", so it may start with a digit
	// (SYSCALL_DEFINE2(64_munmap, ...) on sparc).
	if args[0] == "" || !isIdent("_"+args[0]) {
		return cdef{}, fmt.Errorf("SYSCALL_DEFINE%d: name %q is not an identifier", n, args[0])
	}
	d := cdef{Sym: "sys_" + args[0], Params: []tables.Param{}}
	regs := 0
	for k := 1; k < len(args); {
		// SC_ARG64(name) is a 64-bit value as two u32 registers, in an
		// order that depends on the arch (resolveParams expands it).
		if name, ok := strings.CutPrefix(args[k], "SC_ARG64("); ok {
			name = strings.TrimSpace(strings.TrimSuffix(name, ")"))
			if !isIdent(name) {
				return cdef{}, fmt.Errorf("SYSCALL_DEFINE%d(%s): bad %s", n, args[0], args[k])
			}
			d.Params = append(d.Params, tables.Param{Name: name, Type: scArg64})
			regs += 2
			k++
			continue
		}
		if k+1 >= len(args) {
			return cdef{}, fmt.Errorf("SYSCALL_DEFINE%d(%s): odd number of TYPE, NAME arguments", n, args[0])
		}
		typ, name := normType(args[k]), args[k+1]
		if !isIdent(name) || typ == "" {
			return cdef{}, fmt.Errorf("SYSCALL_DEFINE%d(%s): parameter %d (%q, %q) is not TYPE, NAME", n, args[0], len(d.Params)+1, typ, name)
		}
		d.Params = append(d.Params, tables.Param{Name: name, Type: typ})
		regs++
		k += 2
	}
	if regs != n {
		return cdef{}, fmt.Errorf("SYSCALL_DEFINE%d(%s): %d parameters", n, args[0], regs)
	}
	return d, nil
}

// scArg64 marks a parameter written SC_ARG64(name).
const scArg64 = "SC_ARG64"

// typeWords are words that end a type, so a declaration ending in one has
// no parameter name.
var typeWords = map[string]bool{
	"int": true, "long": true, "char": true, "short": true, "unsigned": true,
	"signed": true, "void": true, "size_t": true, "loff_t": true, "u32": true,
	"u64": true, "pid_t": true, "uid_t": true, "gid_t": true, "umode_t": true,
	"off_t": true, "key_t": true, "mqd_t": true, "timer_t": true, "clockid_t": true,
}

// parseProtoParams reads a prototype's parameter list; unnamed parameters
// are named arg1, arg2, ... (only include/linux/syscalls.h-style headers
// leave names out, and rarely).
func parseProtoParams(text string) ([]tables.Param, error) {
	text = strings.TrimSpace(text)
	if text == "void" || text == "" {
		return []tables.Param{}, nil
	}
	decls := splitTop(text)
	params := make([]tables.Param, len(decls))
	for k, d := range decls {
		d = normType(d)
		if strings.Contains(d, "(") || strings.Contains(d, "...") {
			return nil, fmt.Errorf("parameter %q: function pointers and varargs are not supported", d)
		}
		p, err := tables.ParseDecl(d)
		if err != nil || typeWords[p.Name] || strings.HasSuffix(d, "*") {
			p = tables.Param{Name: fmt.Sprintf("arg%d", k+1), Type: d}
		}
		p.Type = normType(p.Type)
		params[k] = p
	}
	return params, nil
}
