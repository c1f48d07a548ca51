package script

import (
	"strconv"
	"strings"
)

// String prints the script in canonical form, one step per line. Parsing
// the result gives the same script (positions aside), and printing that
// gives the same text: FuzzParse checks both.
func (s *Script) String() string {
	var b strings.Builder
	for _, st := range s.Steps {
		b.WriteString(st.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// String prints one step in canonical form, e.g.
// `read($0, buf[64], 64) allow-error if < 0 or == 5 goto 3`.
func (st *Step) String() string {
	var b strings.Builder
	b.WriteString(st.Name)
	b.WriteByte('(')
	for i, a := range st.Args {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(FormatExpr(a))
	}
	b.WriteByte(')')
	if st.AllowError {
		b.WriteString(" allow-error")
	}
	if st.NoBlock {
		b.WriteString(" noblock")
	}
	if len(st.Conds) > 0 {
		b.WriteString(" if")
		for i, c := range st.Conds {
			if i > 0 {
				b.WriteString(" or")
			}
			b.WriteString(" " + c.Op.String() + " " + FormatExpr(c.Value))
		}
		switch st.Action {
		case ActStop:
			b.WriteString(" stop")
		case ActContinue:
			b.WriteString(" continue")
		case ActGoto:
			if st.Target < 0 {
				b.WriteString(" goto end")
			} else {
				b.WriteString(" goto " + strconv.Itoa(st.Target))
			}
		}
	}
	return b.String()
}

// FormatExpr prints a value as a script would write it. Integers keep the
// base they were written in (0644 stays octal).
func FormatExpr(e Expr) string {
	switch e := e.(type) {
	case *Int:
		if e.Neg {
			return "-" + e.Lit
		}
		return e.Lit
	case *Name:
		if e.Neg {
			return "-" + e.Name
		}
		return e.Name
	case *Ref:
		return "$" + strconv.Itoa(e.Step)
	case *Str:
		return strconv.Quote(e.Val)
	case *Buf:
		return e.Name + "[" + strconv.Itoa(e.Size) + "]"
	case *Or:
		parts := make([]string, len(e.Terms))
		for i, t := range e.Terms {
			parts[i] = FormatExpr(t)
		}
		return strings.Join(parts, "|")
	}
	return "?"
}
