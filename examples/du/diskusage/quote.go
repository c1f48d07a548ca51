package diskusage

// Quoting of file names in diagnostics, as GNU du prints them in the C
// (POSIX) locale: coreutils' quoteaf, gnulib's
// shell_escape_always_quoting_style. The rules below were derived from
// coreutils 9.1 and are checked against `ls --quoting-style=...` (the
// same gnulib code) on random names in quote_test.go.

// quoteAlways quotes s for a shell, always with quotes: printable ASCII
// goes inside '...', a single quote becomes the four bytes ' \ ' ' (no spaces), and other bytes go in
// $'...' segments as C escapes (\n, \t, ...) or three-digit octal. A name
// whose only special characters are single quotes and characters that
// mean the same inside "..." is put in double quotes instead.
func quoteAlways(s []byte) []byte {
	hasQuote, compat := false, true
	for _, b := range s {
		switch {
		case b == '\'':
			hasQuote = true
		case !printable(b) || !dqCompat(b):
			compat = false
		}
	}
	if hasQuote && compat {
		out := make([]byte, 0, len(s)+2)
		out = append(out, '"')
		out = append(out, s...)
		return append(out, '"')
	}
	// gnulib quotes a name with a single quote in two passes and does
	// not reset its "inside $'...'" state between them: if the name ends
	// in a byte that needs an escape, the second pass starts as if a
	// $'...' segment were open.
	esc := hasQuote && len(s) > 0 && !printable(s[len(s)-1])
	out := make([]byte, 0, len(s)+8)
	out = append(out, '\'')
	for _, b := range s {
		switch {
		case b == '\'':
			out = append(out, `'\''`...)
			esc = false
		case printable(b):
			if esc {
				out = append(out, '\'', '\'')
				esc = false
			}
			out = append(out, b)
		default:
			if !esc {
				out = append(out, `'$'`...)
				esc = true
			}
			out = appendEscape(out, b)
		}
	}
	return append(out, '\'')
}

// quoteMaybe is coreutils' quotef (shell_escape_quoting_style): the name
// as is when a shell would read it so, else quoted as by quoteAlways. Only
// a directory that fails while being read uses it.
func quoteMaybe(s []byte) []byte {
	if len(s) == 0 {
		return []byte("''")
	}
	for _, b := range s {
		if !printable(b) || !shellPlain(b) {
			return quoteAlways(s)
		}
	}
	return s
}

func printable(b byte) bool { return b >= 0x20 && b < 0x7f }

// dqCompat reports whether printable b means the same inside "..." for C
// and for a shell (measured: these are the characters that keep a name
// with single quotes in double quotes).
func dqCompat(b byte) bool {
	switch b {
	case '!', '"', '#', '$', '&', '(', ')', '*', ';', '<', '=', '>', '?', '[', '\\', '^', '`', '{', '|', '}', '~':
		return false
	}
	return true
}

// shellPlain reports whether printable b needs no quoting for a shell.
func shellPlain(b byte) bool {
	return dqCompat(b) && b != ' ' && b != '\''
}

func appendEscape(out []byte, b byte) []byte {
	switch b {
	case '\a':
		return append(out, `\a`...)
	case '\b':
		return append(out, `\b`...)
	case '\f':
		return append(out, `\f`...)
	case '\n':
		return append(out, `\n`...)
	case '\r':
		return append(out, `\r`...)
	case '\t':
		return append(out, `\t`...)
	case '\v':
		return append(out, `\v`...)
	}
	return append(out, '\\', '0'+b>>6, '0'+b>>3&7, '0'+b&7)
}
