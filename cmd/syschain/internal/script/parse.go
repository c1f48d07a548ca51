package script

import (
	"errors"
	"math"
	"strconv"
)

// MaxBuffer is the largest buffer a script may declare. It keeps a typo
// (buf[40960000000]) from exhausting memory before anything runs.
const MaxBuffer = 64 << 20

// Parse parses a script. name is used in error messages (a file name, or
// "" for text given on the command line). The result has passed the
// syntax rules only: Check resolves it against a syscall table.
func Parse(name, src string) (*Script, error) {
	p := &parser{lx: newLexer(name, src)}
	if err := p.advance(); err != nil {
		return nil, err
	}
	s := &Script{src: src, name: name}
	for {
		for p.tok.kind == tSep {
			if err := p.advance(); err != nil {
				return nil, err
			}
		}
		if p.tok.kind == tEOF {
			break
		}
		st, err := p.step()
		if err != nil {
			return nil, err
		}
		s.Steps = append(s.Steps, st)
		if p.tok.kind != tSep && p.tok.kind != tEOF {
			return nil, p.errorf(p.tok.pos, "unexpected %s after the step: expected \";\", a newline, allow-error, noblock or if", p.tok.describe())
		}
	}
	if len(s.Steps) == 0 {
		return nil, p.errorf(p.tok.pos, "empty chain: write at least one syscall, as in getpid()")
	}
	return s, nil
}

type parser struct {
	lx  *lexer
	tok token // the current token
}

func (p *parser) advance() error {
	t, err := p.lx.next()
	if err != nil {
		return err
	}
	p.tok = t
	return nil
}

func (p *parser) errorf(pos Pos, format string, args ...any) *Error {
	return p.lx.errorf(pos, format, args...)
}

// expect consumes a token of kind k, or fails saying what was wanted.
func (p *parser) expect(k tokKind, what string) (token, error) {
	t := p.tok
	if t.kind != k {
		return t, p.errorf(t.pos, "expected %s, found %s", what, t.describe())
	}
	return t, p.advance()
}

// keyword spellings; none can name a buffer.
var keywords = map[string]bool{
	"allow-error": true, "noblock": true, "if": true, "or": true,
	"stop": true, "continue": true, "goto": true, "end": true,
}

// step parses: name "(" [expr {"," expr} [","]] ")" {modifier}.
func (p *parser) step() (*Step, error) {
	name, err := p.expect(tIdent, "a syscall name")
	if err != nil {
		return nil, err
	}
	if keywords[name.text] {
		return nil, p.errorf(name.pos, "%q is a keyword, not a syscall: modifiers follow a call, as in read(0, buf[8], 8) %s", name.text, name.text)
	}
	st := &Step{Pos: name.pos, Name: name.text}
	if _, err := p.expect(tLparen, `"(" after the syscall name`); err != nil {
		return nil, err
	}
	for p.tok.kind != tRparen {
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		st.Args = append(st.Args, e)
		if p.tok.kind == tComma {
			if err := p.advance(); err != nil {
				return nil, err
			}
			continue
		}
		if p.tok.kind != tRparen {
			return nil, p.errorf(p.tok.pos, `expected "," or ")" after an argument, found %s`, p.tok.describe())
		}
	}
	st.Rparen = p.tok.pos
	if err := p.advance(); err != nil {
		return nil, err
	}
	return st, p.modifiers(st)
}

// modifiers parses allow-error, noblock and one if-clause, in any order.
func (p *parser) modifiers(st *Step) error {
	for p.tok.kind == tIdent {
		t := p.tok
		switch t.text {
		case "allow-error", "noblock":
			flag := &st.AllowError
			if t.text == "noblock" {
				flag = &st.NoBlock
			}
			if *flag {
				return p.errorf(t.pos, "%s given twice", t.text)
			}
			*flag = true
			if err := p.advance(); err != nil {
				return err
			}
		case "if":
			if st.Conds != nil {
				return p.errorf(t.pos, `a step has one if-clause: join conditions with "or", as in if < 0 or == 5`)
			}
			if err := p.ifClause(st); err != nil {
				return err
			}
		default:
			return p.errorf(t.pos, "unknown modifier %q: a step may be followed by allow-error, noblock or if", t.text)
		}
	}
	return nil
}

// ifClause parses: "if" cond {"or" cond} [action].
func (p *parser) ifClause(st *Step) error {
	if err := p.advance(); err != nil { // "if"
		return err
	}
	for {
		op, err := p.expect(tOp, "a comparison (== != < <= > >=, or <u <=u >u >=u)")
		if err != nil {
			return err
		}
		v, err := p.expr()
		if err != nil {
			return err
		}
		switch v.(type) {
		case *Str, *Buf:
			return p.errorf(v.Start(), "a condition compares the result with a number, a constant or $N, not a %s", exprKind(v))
		}
		st.Conds = append(st.Conds, &Cond{Pos: op.pos, Op: parseOp(op.text), Value: v})
		if p.tok.kind != tIdent || p.tok.text != "or" {
			break
		}
		if err := p.advance(); err != nil {
			return err
		}
	}
	st.Action, st.ActionPos = ActStop, p.tok.pos
	if p.tok.kind != tIdent {
		return nil
	}
	switch p.tok.text {
	case "stop":
	case "continue":
		st.Action = ActContinue
	case "goto":
		st.Action = ActGoto
		if err := p.advance(); err != nil {
			return err
		}
		switch t := p.tok; {
		case t.kind == tIdent && t.text == "end":
			st.Target = -1
		case t.kind == tInt:
			n, err := strconv.ParseUint(t.text, 10, 16)
			if err != nil {
				return p.errorf(t.pos, "goto needs a step number (decimal, counting from 0) or end, found %s", t.describe())
			}
			st.Target = int(n)
		default:
			return p.errorf(t.pos, "goto needs a step number (counting from 0) or end, found %s", t.describe())
		}
	default:
		return nil // another modifier; the action is the default, stop
	}
	return p.advance()
}

func parseOp(s string) Op {
	for i, t := range opText {
		if t == s {
			return Op(i)
		}
	}
	panic("script: lexer produced unknown operator " + s)
}

func exprKind(e Expr) string {
	switch e.(type) {
	case *Str:
		return "string"
	case *Buf:
		return "buffer declaration"
	case *Ref:
		return "$N reference"
	case *Or:
		return "flag set"
	}
	return "value"
}

// expr parses: term {"|" term}.
func (p *parser) expr() (Expr, error) {
	t, err := p.term()
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tPipe {
		return t, nil
	}
	or := &Or{Terms: []Expr{t}}
	for p.tok.kind == tPipe {
		if err := p.advance(); err != nil {
			return nil, err
		}
		t, err := p.term()
		if err != nil {
			return nil, err
		}
		or.Terms = append(or.Terms, t)
	}
	for _, t := range or.Terms {
		switch t.(type) {
		case *Int, *Name:
		default:
			return nil, p.errorf(t.Start(), "only integers and constants can be combined with |, not a %s", exprKind(t))
		}
	}
	return or, nil
}

// term parses one value: an integer, a constant or buffer name, either
// negated; $N; a string; or a buffer declaration name[size].
func (p *parser) term() (Expr, error) {
	t := p.tok
	switch t.kind {
	case tMinus:
		if err := p.advance(); err != nil {
			return nil, err
		}
		switch n := p.tok; n.kind {
		case tInt:
			i, err := p.integer(n, true)
			if err != nil {
				return nil, err
			}
			i.Pos = t.pos
			return i, p.advance()
		case tIdent:
			if keywords[n.text] {
				return nil, p.errorf(n.pos, "expected a number or a constant after \"-\", found keyword %q", n.text)
			}
			return &Name{Pos: t.pos, Neg: true, Name: n.text}, p.advance()
		default:
			return nil, p.errorf(n.pos, "expected a number or a constant after \"-\", found %s", n.describe())
		}
	case tInt:
		i, err := p.integer(t, false)
		if err != nil {
			return nil, err
		}
		return i, p.advance()
	case tRef:
		n, err := strconv.ParseUint(t.text, 10, 16)
		if err != nil {
			return nil, p.errorf(t.pos, "step number $%s is too large", t.text)
		}
		return &Ref{Pos: t.pos, Step: int(n)}, p.advance()
	case tString:
		return &Str{Pos: t.pos, Val: t.text}, p.advance()
	case tIdent:
		if keywords[t.text] {
			return nil, p.errorf(t.pos, "expected a value, found keyword %q", t.text)
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		if p.tok.kind != tLbrack {
			return &Name{Pos: t.pos, Name: t.text}, nil
		}
		return p.bufDecl(t)
	}
	return nil, p.errorf(t.pos, "expected a value (a number, constant, $N, string or buffer), found %s", t.describe())
}

// bufDecl parses the "[size]" of a buffer declaration; name is done.
func (p *parser) bufDecl(name token) (Expr, error) {
	if err := p.advance(); err != nil { // "["
		return nil, err
	}
	sz := p.tok
	if sz.kind != tInt {
		return nil, p.errorf(sz.pos, "a buffer's size is an integer, as in %s[4096]; found %s", name.text, sz.describe())
	}
	i, err := p.integer(sz, false)
	if err != nil {
		return nil, err
	}
	if i.Val <= 0 || i.Val > MaxBuffer {
		return nil, p.errorf(sz.pos, "buffer size %s is out of range: 1 to %d bytes", sz.text, MaxBuffer)
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if _, err := p.expect(tRbrack, `"]" after the buffer size`); err != nil {
		return nil, err
	}
	return &Buf{Pos: name.pos, Name: name.text, Size: int(i.Val)}, nil
}

// integer converts an integer token: decimal, 0x hex, 0o or leading-0
// octal, 0b binary, with Go's _ separators. Any 64-bit pattern is
// accepted: up to MaxUint64, or down to MinInt64 when negated.
func (p *parser) integer(t token, neg bool) (*Int, error) {
	u, err := strconv.ParseUint(t.text, 0, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return nil, p.errorf(t.pos, "integer %s does not fit in 64 bits", t.text)
		}
		return nil, p.errorf(t.pos, "malformed integer %q (decimal, 0x hex, 0o or leading-0 octal, 0b binary)", t.text)
	}
	v := int64(u)
	if neg {
		if u > 1<<63 {
			return nil, p.errorf(t.pos, "integer -%s is below the smallest 64-bit value %d", t.text, int64(math.MinInt64))
		}
		v = -v
	}
	return &Int{Pos: t.pos, Neg: neg, Lit: t.text, Val: v}, nil
}
