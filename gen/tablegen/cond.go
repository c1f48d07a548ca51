package tablegen

// A small evaluator for C preprocessor conditions (#if expressions), with
// three-valued logic: the generator knows some macros for an arch (its
// CONFIG_ symbols, __ARCH_WANT_ macros, BITS_PER_LONG) and not others
// (most CONFIG_ options depend on a .config it does not have). A condition
// that depends on an unknown macro is "unknown", and a definition under an
// unknown condition stays a candidate; one under a false condition does not.

import (
	"fmt"
	"strconv"
	"strings"
)

// tri is a three-valued truth value.
type tri uint8

const (
	triUnknown tri = iota
	triFalse
	triTrue
)

// macroEnv says what the generator knows about macros for one arch.
type macroEnv struct {
	defs map[string]string // defined macros and their values ("1" if none)
	// known reports whether an undefined name is known to be undefined
	// (rather than unknown).
	known func(name string) bool
	// depth bounds macro expansion (a self-referential macro would
	// otherwise recurse forever).
	depth int
}

// value is an expression result: a number, or unknown.
type value struct {
	n     int64
	known bool
}

type condParser struct {
	toks []string
	pos  int
	env  *macroEnv
	err  error
}

// evalCond evaluates a #if expression.
func (env *macroEnv) evalCond(expr string) (tri, error) {
	v, err := env.evalValue(expr)
	if err != nil {
		return triUnknown, err
	}
	if !v.known {
		return triUnknown, nil
	}
	if v.n != 0 {
		return triTrue, nil
	}
	return triFalse, nil
}

// evalValue evaluates an expression to a number (or unknown).
func (env *macroEnv) evalValue(expr string) (value, error) {
	if env.depth > 16 {
		return value{}, nil
	}
	env.depth++
	defer func() { env.depth-- }()
	toks, err := tokenize(expr)
	if err != nil {
		return value{}, err
	}
	p := &condParser{toks: toks, env: env}
	v := p.ternary()
	if p.err == nil && p.pos < len(p.toks) {
		p.err = fmt.Errorf("unexpected %q", p.toks[p.pos])
	}
	if p.err != nil {
		return value{}, fmt.Errorf("#if %s: %v", expr, p.err)
	}
	return v, nil
}

func tokenize(s string) ([]string, error) {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case isIdentStart(c):
			j := i
			for j < len(s) && isIdentByte(s[j]) {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		case c >= '0' && c <= '9':
			j := i
			for j < len(s) && (isIdentByte(s[j])) {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		default:
			if i+1 < len(s) {
				two := s[i : i+2]
				switch two {
				case "&&", "||", "==", "!=", "<=", ">=", "<<", ">>":
					toks = append(toks, two)
					i += 2
					continue
				}
			}
			if strings.IndexByte("()!~+-*/%<>&|^?:,", c) < 0 {
				return nil, fmt.Errorf("unexpected character %q in %q", c, s)
			}
			toks = append(toks, string(c))
			i++
		}
	}
	return toks, nil
}

func (p *condParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *condParser) next() string {
	t := p.peek()
	if p.pos < len(p.toks) {
		p.pos++
	}
	return t
}

func (p *condParser) expect(t string) {
	if got := p.next(); got != t && p.err == nil {
		p.err = fmt.Errorf("want %q, got %q", t, got)
	}
}

func (p *condParser) ternary() value {
	c := p.binary(0)
	if p.peek() != "?" {
		return c
	}
	p.next()
	a := p.ternary()
	p.expect(":")
	b := p.ternary()
	if !c.known {
		if a.known && b.known && a.n == b.n {
			return a
		}
		return value{}
	}
	if c.n != 0 {
		return a
	}
	return b
}

var precedence = map[string]int{
	"||": 1, "&&": 2, "|": 3, "^": 4, "&": 5,
	"==": 6, "!=": 6, "<": 7, ">": 7, "<=": 7, ">=": 7,
	"<<": 8, ">>": 8, "+": 9, "-": 9, "*": 10, "/": 10, "%": 10,
}

func (p *condParser) binary(minPrec int) value {
	l := p.unary()
	for {
		op := p.peek()
		prec, ok := precedence[op]
		if !ok || prec <= minPrec {
			return l
		}
		p.next()
		r := p.binary(prec)
		l = apply(op, l, r)
	}
}

// apply computes a binary operator; && and || are decided by one known
// operand when it settles the result.
func apply(op string, l, r value) value {
	switch op {
	case "&&":
		if l.known && l.n == 0 || r.known && r.n == 0 {
			return value{0, true}
		}
		if l.known && r.known {
			return value{1, true}
		}
		return value{}
	case "||":
		if l.known && l.n != 0 || r.known && r.n != 0 {
			return value{1, true}
		}
		if l.known && r.known {
			return value{0, true}
		}
		return value{}
	}
	if !l.known || !r.known {
		return value{}
	}
	b := func(x bool) value {
		if x {
			return value{1, true}
		}
		return value{0, true}
	}
	switch op {
	case "|":
		return value{l.n | r.n, true}
	case "^":
		return value{l.n ^ r.n, true}
	case "&":
		return value{l.n & r.n, true}
	case "==":
		return b(l.n == r.n)
	case "!=":
		return b(l.n != r.n)
	case "<":
		return b(l.n < r.n)
	case ">":
		return b(l.n > r.n)
	case "<=":
		return b(l.n <= r.n)
	case ">=":
		return b(l.n >= r.n)
	case "<<":
		return value{l.n << uint(r.n&63), true}
	case ">>":
		return value{l.n >> uint(r.n&63), true}
	case "+":
		return value{l.n + r.n, true}
	case "-":
		return value{l.n - r.n, true}
	case "*":
		return value{l.n * r.n, true}
	case "/", "%":
		if r.n == 0 {
			return value{}
		}
		if op == "/" {
			return value{l.n / r.n, true}
		}
		return value{l.n % r.n, true}
	}
	return value{}
}

func (p *condParser) unary() value {
	switch t := p.peek(); t {
	case "!":
		p.next()
		v := p.unary()
		if !v.known {
			return v
		}
		if v.n == 0 {
			return value{1, true}
		}
		return value{0, true}
	case "-":
		p.next()
		v := p.unary()
		return value{-v.n, v.known}
	case "~":
		p.next()
		v := p.unary()
		return value{^v.n, v.known}
	case "+":
		p.next()
		return p.unary()
	}
	return p.primary()
}

func (p *condParser) primary() value {
	t := p.next()
	switch {
	case t == "(":
		v := p.ternary()
		p.expect(")")
		return v
	case t == "defined":
		paren := p.peek() == "("
		if paren {
			p.next()
		}
		name := p.next()
		if paren {
			p.expect(")")
		}
		return p.env.definedValue(name)
	case t == "IS_ENABLED" || t == "IS_BUILTIN" || t == "IS_REACHABLE":
		p.expect("(")
		name := p.next()
		p.expect(")")
		return p.env.definedValue(name)
	case t == "":
		if p.err == nil {
			p.err = fmt.Errorf("unexpected end of expression")
		}
		return value{}
	case t[0] >= '0' && t[0] <= '9':
		n, err := parseCInt(t)
		if err != nil && p.err == nil {
			p.err = err
		}
		return value{n, true}
	case isIdentStart(t[0]):
		if p.peek() == "(" {
			// A function-like macro the evaluator does not know:
			// skip its arguments, the result is unknown.
			depth := 0
			for p.pos < len(p.toks) {
				x := p.next()
				if x == "(" {
					depth++
				} else if x == ")" {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			return value{}
		}
		return p.env.identValue(t, 0)
	}
	if p.err == nil {
		p.err = fmt.Errorf("unexpected %q", t)
	}
	return value{}
}

func (env *macroEnv) definedValue(name string) value {
	if _, ok := env.defs[name]; ok {
		return value{1, true}
	}
	if env.known(name) {
		return value{0, true}
	}
	return value{}
}

// identValue is a macro's value in an expression: its definition
// evaluated, 0 if known undefined (as C does), unknown otherwise.
func (env *macroEnv) identValue(name string, depth int) value {
	def, ok := env.defs[name]
	if !ok {
		if env.known(name) {
			return value{0, true}
		}
		return value{}
	}
	if depth > 8 {
		return value{}
	}
	if n, err := parseCInt(def); err == nil {
		return value{n, true}
	}
	if isIdent(def) {
		return env.identValue(def, depth+1)
	}
	v, err := env.evalValue(def)
	if err != nil {
		return value{}
	}
	return v
}

// parseCInt reads a C integer literal with optional U/L suffixes.
func parseCInt(s string) (int64, error) {
	t := strings.TrimRight(s, "uUlL")
	n, err := strconv.ParseInt(t, 0, 64)
	if err != nil {
		u, uerr := strconv.ParseUint(t, 0, 64)
		if uerr != nil {
			return 0, fmt.Errorf("bad number %q", s)
		}
		n = int64(u)
	}
	return n, nil
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isIdentByte(c byte) bool {
	return isIdentStart(c) || c >= '0' && c <= '9'
}

func isIdent(s string) bool {
	if s == "" || !isIdentStart(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isIdentByte(s[i]) {
			return false
		}
	}
	return true
}
