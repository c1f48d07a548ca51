package script

import (
	"strconv"
	"unicode/utf8"
)

// tokKind is the kind of a token.
type tokKind uint8

const (
	tEOF    tokKind = iota
	tSep            // ";" or a newline outside brackets
	tLparen         // (
	tRparen         // )
	tLbrack         // [
	tRbrack         // ]
	tComma          // ,
	tPipe           // |
	tMinus          // -
	tIdent          // openat, O_RDONLY, buf, allow-error
	tInt            // 42, 0x2a, 052, 0o52, 0b101010
	tString         // "..." with Go escapes
	tRef            // $N
	tOp             // == != < <= > >= and their unsigned forms <u …
)

// token is one lexical token. text is the source text; for tString it is
// the unquoted value, for tOp the operator, for tRef the digits.
type token struct {
	kind tokKind
	pos  Pos
	text string
}

func (t token) describe() string {
	switch t.kind {
	case tEOF:
		return "end of input"
	case tSep:
		if t.text == "\n" {
			return "end of line"
		}
		return `";"`
	case tString:
		return "string " + strconv.Quote(t.text)
	case tRef:
		return "$" + t.text
	}
	return strconv.Quote(t.text)
}

// lexer turns source text into tokens. Newlines inside parentheses or
// brackets are plain white space, so a long call may span lines.
type lexer struct {
	name      string
	src       string
	off       int // next byte
	line      int // current line, 1-based
	lineStart int // offset of the current line's first byte
	depth     int // open ( and [
}

func newLexer(name, src string) *lexer {
	return &lexer{name: name, src: src, line: 1}
}

func (l *lexer) pos() Pos { return Pos{Line: l.line, Col: l.off - l.lineStart + 1} }

func (l *lexer) errorf(pos Pos, format string, args ...any) *Error {
	return errorAt(l.name, l.src, pos, format, args...)
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }

// next returns the next token.
func (l *lexer) next() (token, error) {
	for l.off < len(l.src) {
		c := l.src[l.off]
		switch {
		case c == ' ' || c == '\t' || c == '\r':
			l.off++
			continue
		case c == '#':
			for l.off < len(l.src) && l.src[l.off] != '\n' {
				l.off++
			}
			continue
		case c == '\n':
			p := l.pos()
			l.off++
			l.line++
			l.lineStart = l.off
			if l.depth > 0 {
				continue
			}
			return token{tSep, p, "\n"}, nil
		}
		break
	}
	p := l.pos()
	if l.off >= len(l.src) {
		return token{tEOF, p, ""}, nil
	}
	c := l.src[l.off]
	single := func(k tokKind) (token, error) {
		l.off++
		return token{k, p, string(c)}, nil
	}
	switch c {
	case ';':
		return single(tSep)
	case '(':
		l.depth++
		return single(tLparen)
	case '[':
		l.depth++
		return single(tLbrack)
	case ')':
		if l.depth > 0 {
			l.depth--
		}
		return single(tRparen)
	case ']':
		if l.depth > 0 {
			l.depth--
		}
		return single(tRbrack)
	case ',':
		return single(tComma)
	case '|':
		if l.peekAt(1) == '|' {
			return token{}, l.errorf(p, `"||" is not an operator: join conditions with "or", flags with "|"`)
		}
		return single(tPipe)
	case '-':
		return single(tMinus)
	case '"':
		return l.lexString(p)
	case '$':
		start := l.off + 1
		end := start
		for end < len(l.src) && isDigit(l.src[end]) {
			end++
		}
		if end == start {
			return token{}, l.errorf(p, `"$" must be followed by a step number, as in $0`)
		}
		l.off = end
		return token{tRef, p, l.src[start:end]}, nil
	case '=', '!', '<', '>':
		return l.lexOp(p)
	}
	if isLetter(c) {
		start := l.off
		for l.off < len(l.src) {
			d := l.src[l.off]
			// A hyphen joins two words ("allow-error"); the language has
			// no subtraction, so this cannot be misread.
			if isLetter(d) || isDigit(d) || d == '-' && l.off+1 < len(l.src) && isLetter(l.src[l.off+1]) {
				l.off++
				continue
			}
			break
		}
		return token{tIdent, p, l.src[start:l.off]}, nil
	}
	if isDigit(c) {
		start := l.off
		for l.off < len(l.src) && (isLetter(l.src[l.off]) || isDigit(l.src[l.off])) {
			l.off++
		}
		return token{tInt, p, l.src[start:l.off]}, nil
	}
	r, _ := utf8.DecodeRuneInString(l.src[l.off:])
	if r == utf8.RuneError {
		return token{}, l.errorf(p, "invalid UTF-8 byte %#02x", c)
	}
	return token{}, l.errorf(p, "unexpected character %q", r)
}

func (l *lexer) peekAt(k int) byte {
	if l.off+k < len(l.src) {
		return l.src[l.off+k]
	}
	return 0
}

// lexOp reads a comparison: == != < <= > >=, each optionally followed
// directly by "u" for the unsigned form (<u, >=u; ==u and !=u are refused
// because equality has no signedness).
func (l *lexer) lexOp(p Pos) (token, error) {
	c, d := l.src[l.off], l.peekAt(1)
	n := 1
	switch {
	case d == '=':
		n = 2
	case c == '=' || c == '!':
		return token{}, l.errorf(p, "unexpected %q: comparisons are == != < <= > >= (add u for unsigned, as in <u)", string(c))
	}
	op := l.src[l.off : l.off+n]
	if l.peekAt(n) == 'u' && !isLetter(l.peekAt(n+1)) && !isDigit(l.peekAt(n+1)) {
		if op == "==" || op == "!=" {
			return token{}, l.errorf(p, "%s has no unsigned form: write %s", op+"u", op)
		}
		op += "u"
		n++
	}
	l.off += n
	return token{tOp, p, op}, nil
}

// lexString reads a double-quoted string with Go escapes. The string must
// end on its line.
func (l *lexer) lexString(p Pos) (token, error) {
	i := l.off + 1
	for {
		if i >= len(l.src) || l.src[i] == '\n' {
			return token{}, l.errorf(p, "string not terminated: add the closing \"")
		}
		if l.src[i] == '\\' {
			i += 2
			continue
		}
		if l.src[i] == '"' {
			break
		}
		i++
	}
	lit := l.src[l.off : i+1]
	if !utf8.ValidString(lit) {
		for j := 0; j < len(lit); {
			r, size := utf8.DecodeRuneInString(lit[j:])
			if r == utf8.RuneError && size == 1 {
				return token{}, l.errorf(Pos{p.Line, p.Col + j}, "invalid UTF-8 byte %#02x in string: write it as \\x%02x", lit[j], lit[j])
			}
			j += size
		}
	}
	val, err := strconv.Unquote(lit)
	if err != nil {
		return token{}, l.errorf(l.badEscape(p, lit), "invalid escape in string (Go escapes: \\n \\t \\\\ \\\" \\xFF \\ooo \\uFFFF)")
	}
	l.off = i + 1
	return token{tString, p, val}, nil
}

// badEscape finds the first escape of lit that Go rejects, for a precise
// column; it falls back to the string's start.
func (l *lexer) badEscape(p Pos, lit string) Pos {
	s := lit[1 : len(lit)-1]
	for j := 0; j < len(s); {
		if s[j] != '\\' {
			_, size := utf8.DecodeRuneInString(s[j:])
			j += size
			continue
		}
		_, _, tail, err := strconv.UnquoteChar(s[j:], '"')
		if err != nil {
			return Pos{p.Line, p.Col + 1 + j}
		}
		j = len(s) - len(tail)
	}
	return p
}
