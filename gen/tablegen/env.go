package tablegen

// Per-arch macro knowledge for evaluating #if: Kconfig symbols the arch
// selects, and the __ARCH_WANT_ macros of its asm/unistd.h headers.

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// archEnv builds the macro environment of a target from the tree.
func archEnv(root string, t Target) (*macroEnv, error) {
	defs := map[string]string{
		"BITS_PER_LONG":   strconv.Itoa(t.Bits),
		"__BITS_PER_LONG": strconv.Itoa(t.Bits),
	}
	if t.Bits == 64 {
		defs["__LP64__"] = "1"
	}
	for _, d := range t.CppDefines {
		name, val, ok := strings.Cut(d, "=")
		if !ok {
			val = "1"
		}
		defs[name] = val
	}
	syms, err := kconfigSelects(root, t)
	if err != nil {
		return nil, err
	}
	for s := range syms {
		defs["CONFIG_"+s] = "1"
	}
	// A macro is known when it is not a CONFIG_ option (the arch headers
	// read below define the rest, and an undefined one is undefined, as C
	// has it) or when it is an arch-family option (archFamilies).
	// Other CONFIG_ options depend on a .config: unknown.
	env := &macroEnv{defs: defs, known: func(name string) bool {
		sym, ok := strings.CutPrefix(name, "CONFIG_")
		if !ok {
			return true
		}
		for _, f := range archFamilies {
			if sym == f || strings.HasPrefix(sym, f+"_") {
				return true
			}
		}
		return false
	}}
	// The kernel-side header includes the uapi one; read uapi first.
	for _, h := range []string{"include/uapi/asm/unistd.h", "include/asm/unistd.h"} {
		data, err := os.ReadFile(filepath.Join(root, "arch", t.SrcArch, h))
		if err != nil {
			if os.IsNotExist(err) {
				continue
			}
			return nil, err
		}
		env.readDefines(data)
	}
	return env, nil
}

// readDefines runs a header's #if/#define lines: defines under a true
// condition are added; those under an unknown one are not (and stay
// "unknown" only if the name is not a known family).
func (env *macroEnv) readDefines(src []byte) {
	lines := strings.Split(string(stripComments(src)), "\n")
	type frame struct {
		taken, done bool // this branch is true; some branch was true
		unknown     bool
	}
	var stack []frame
	active := func() bool {
		for _, f := range stack {
			if !f.taken || f.unknown {
				return false
			}
		}
		return true
	}
	for i := 0; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		for strings.HasSuffix(l, "\\") && i+1 < len(lines) {
			i++
			l = strings.TrimSuffix(l, "\\") + " " + strings.TrimSpace(lines[i])
		}
		if !strings.HasPrefix(l, "#") {
			continue
		}
		d := strings.TrimSpace(l[1:])
		word, rest, _ := strings.Cut(d, " ")
		rest = strings.TrimSpace(rest)
		eval := func(expr string) frame {
			t, err := env.evalCond(expr)
			if err != nil || t == triUnknown {
				return frame{unknown: true}
			}
			return frame{taken: t == triTrue, done: t == triTrue}
		}
		switch word {
		case "if":
			stack = append(stack, eval(rest))
		case "ifdef":
			stack = append(stack, eval("defined("+firstWord(rest)+")"))
		case "ifndef":
			stack = append(stack, eval("!defined("+firstWord(rest)+")"))
		case "elif", "else":
			if len(stack) == 0 {
				continue
			}
			f := &stack[len(stack)-1]
			if f.unknown {
				continue // stays unknown
			}
			if f.done {
				f.taken = false
				continue
			}
			nf := frame{taken: true, done: true}
			if word == "elif" {
				nf = eval(rest)
			}
			*f = nf
		case "endif":
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case "define":
			if !active() {
				continue
			}
			name, val, _ := strings.Cut(rest, " ")
			if strings.Contains(name, "(") {
				continue // function-like macros are not conditions
			}
			val = strings.TrimSpace(val)
			if val == "" {
				val = "1"
			}
			env.defs[name] = val
		case "undef":
			if active() {
				delete(env.defs, firstWord(rest))
			}
		}
	}
}

// kconfigSelects returns the Kconfig symbols set for a target: its Config,
// plus what arch/<src>/Kconfig's `config SYM` blocks of set symbols
// `select` (unconditionally or under a simple `if`), plus `def_bool y`
// symbols whose `depends on` hold. Conditions kconfigTrue cannot decide
// are not taken.
func kconfigSelects(root string, t Target) (map[string]bool, error) {
	set := map[string]bool{}
	for _, s := range t.Config {
		set[s] = true
	}
	data, err := os.ReadFile(filepath.Join(root, "arch", t.SrcArch, "Kconfig"))
	if err != nil {
		return nil, err
	}
	type sel struct{ owner, sym, cond string }
	type block struct {
		defY    bool     // def_bool y
		depends []string // depends on ...
	}
	var sels []sel
	blocks := map[string]*block{}
	owner := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if line[0] != ' ' && line[0] != '\t' {
			owner = ""
			if (f[0] == "config" || f[0] == "menuconfig") && len(f) == 2 {
				owner = f[1]
				if blocks[owner] == nil {
					blocks[owner] = &block{}
				}
			}
			continue
		}
		if owner == "" {
			continue
		}
		switch {
		case f[0] == "select" && len(f) >= 2:
			s := sel{owner: owner, sym: f[1]}
			if len(f) >= 4 && f[2] == "if" {
				s.cond = strings.Join(f[3:], " ")
			} else if len(f) != 2 {
				continue
			}
			sels = append(sels, s)
		case f[0] == "def_bool" && len(f) == 2 && f[1] == "y":
			blocks[owner].defY = true
		case f[0] == "depends" && len(f) >= 3 && f[1] == "on":
			blocks[owner].depends = append(blocks[owner].depends, strings.Join(f[2:], " "))
		}
	}
	// A fixed point: selected symbols may own selects of their own, and a
	// `def_bool y` symbol is set once its dependencies are.
	for changed := true; changed; {
		changed = false
		for _, s := range sels {
			if !set[s.owner] || set[s.sym] {
				continue
			}
			if s.cond != "" && !kconfigTrue(s.cond, set) {
				continue
			}
			set[s.sym] = true
			changed = true
		}
		for sym, b := range blocks {
			if set[sym] || !b.defY {
				continue
			}
			ok := true
			for _, d := range b.depends {
				ok = ok && kconfigTrue(d, set)
			}
			if ok {
				set[sym] = true
				changed = true
			}
		}
	}
	return set, nil
}

// kconfigTrue evaluates a simple Kconfig condition (SYM, !SYM, joined by
// && and ||, no parentheses) over the symbols known set. A symbol not in
// set counts as unset, so a condition that needs an option the generator
// does not know is not taken.
func kconfigTrue(cond string, set map[string]bool) bool {
	if strings.ContainsAny(cond, "()=") {
		return false
	}
	for _, or := range strings.Split(cond, "||") {
		all := true
		for _, and := range strings.Split(or, "&&") {
			a := strings.TrimSpace(and)
			neg := strings.HasPrefix(a, "!")
			a = strings.TrimSpace(strings.TrimPrefix(a, "!"))
			if set[a] == neg {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}
