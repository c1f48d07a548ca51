package script

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Error is a mistake in a script, at a place in its source.
type Error struct {
	Name string // the source's name (a file), "" for text given inline
	Pos  Pos
	Msg  string
	Line string // the source line Pos is on, for Context
}

func (e *Error) Error() string {
	if e.Name == "" {
		return fmt.Sprintf("%d:%d: %s", e.Pos.Line, e.Pos.Col, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.Name, e.Pos.Line, e.Pos.Col, e.Msg)
}

// Context returns the offending source line and a caret under the column,
// each line indented by a tab:
//
//	openat(AT_FDCWD, "/etc/hostname", O_RDONLY, 0); opne($0)
//	                                                ^
//
// Tabs in the line are kept so the caret lines up in a terminal.
func (e *Error) Context() string {
	if e.Pos.Line == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\t")
	b.WriteString(e.Line)
	b.WriteString("\n\t")
	prefix := e.Line
	if n := e.Pos.Col - 1; n < len(prefix) {
		prefix = prefix[:n]
	}
	for _, r := range prefix {
		if r == '\t' {
			b.WriteByte('\t')
		} else if r != utf8.RuneError {
			b.WriteByte(' ')
		}
	}
	b.WriteString("^")
	return b.String()
}

// errorAt builds an *Error for the source src at pos.
func errorAt(name, src string, pos Pos, format string, args ...any) *Error {
	return &Error{Name: name, Pos: pos, Msg: fmt.Sprintf(format, args...), Line: sourceLine(src, pos.Line)}
}

// sourceLine returns line n (1-based) of src without its newline.
func sourceLine(src string, n int) string {
	for i := 1; i < n; i++ {
		j := strings.IndexByte(src, '\n')
		if j < 0 {
			return ""
		}
		src = src[j+1:]
	}
	if j := strings.IndexByte(src, '\n'); j >= 0 {
		src = src[:j]
	}
	return strings.TrimSuffix(src, "\r")
}
