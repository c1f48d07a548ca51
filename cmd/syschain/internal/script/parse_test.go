package script

import (
	"strings"
	"testing"
)

// TestParse checks accepted scripts through their canonical form, which
// shows every parsed detail (values keep their base; modifiers, conditions
// and actions are spelled out).
func TestParse(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`getpid()`, "getpid()\n"},
		{`openat(AT_FDCWD, "/etc/hostname", O_RDONLY, 0); read($0, buf[4096], 4096); write(1, buf, $1); close($0)`,
			"openat(AT_FDCWD, \"/etc/hostname\", O_RDONLY, 0)\nread($0, buf[4096], 4096)\nwrite(1, buf, $1)\nclose($0)\n"},
		// newlines and ; separate steps; blank lines, comments and stray
		// separators are ignored; a call may span lines.
		{"# a comment\n\ngetpid() # trailing\n;;getppid();\n", "getpid()\ngetppid()\n"},
		{"openat(AT_FDCWD,\n  \"/x\",\n  O_RDONLY,\n  0,\n)", "openat(AT_FDCWD, \"/x\", O_RDONLY, 0)\n"},
		{"getpid()\r\ngetppid()\r\n", "getpid()\ngetppid()\n"},
		// integers in every base, negative, the 64-bit edges.
		{`f(42, 0x2A, 0644, 0o644, 0b101, 1_000, -1, -0x10)`, "f(42, 0x2A, 0644, 0o644, 0b101, 1_000, -1, -0x10)\n"},
		{`f(18446744073709551615, -9223372036854775808)`, "f(18446744073709551615, -9223372036854775808)\n"},
		// flags, negated constants, strings with escapes.
		{`f(O_WRONLY|O_CREAT | 0x10, -ENOENT, "a\tb\x00\u00e9\"")`, "f(O_WRONLY|O_CREAT|0x10, -ENOENT, \"a\\tb\\x00é\\\"\")\n"},
		{`f("")`, "f(\"\")\n"},
		// modifiers and conditions in any order; stop is the default action.
		{`read(0, b[1], 1) if < 0`, "read(0, b[1], 1) if < 0 stop\n"},
		{`read(0, b[1], 1) noblock allow-error`, "read(0, b[1], 1) allow-error noblock\n"},
		{`read(0, b[1], 1) if == 0 or <u 5 or >=u $0 goto 3 noblock`, "read(0, b[1], 1) noblock if == 0 or <u 5 or >=u $0 goto 3\n"},
		{`f() if != -EAGAIN continue allow-error`, "f() allow-error if != -EAGAIN continue\n"},
		{`f() if > 1 or >= 2 or <= 3 or <=u 4 or >u 5 goto end`, "f() if > 1 or >= 2 or <= 3 or <=u 4 or >u 5 goto end\n"},
		{`f() if ==0 stop`, "f() if == 0 stop\n"},
	} {
		s, err := Parse("", tc.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if got := s.String(); got != tc.want {
			t.Errorf("Parse(%q) prints\n%s\nwant\n%s", tc.in, got, tc.want)
		}
	}
}

// TestParseErrors checks each syntax error's message and exact column.
func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{``, `1:1: empty chain`},
		{"# only a comment\n", `2:1: empty chain`},
		{`getpid`, `1:7: expected "(" after the syscall name, found end of input`},
		{`getpid(`, `1:8: expected a value`},
		{`read(0, buf[4096] 10)`, `1:19: expected "," or ")" after an argument, found "10"`},
		{`read(0,, 1)`, `1:8: expected a value (a number, constant, $N, string or buffer), found ","`},
		{`getpid() getppid()`, `1:10: unknown modifier "getppid"`},
		{`getpid() 5`, `1:10: unexpected "5" after the step`},
		{`f(@)`, `1:3: unexpected character '@'`},
		{`f(1) ; g(é)`, `1:10: unexpected character 'é'`},
		{"f(\"\xff\")", `1:4: invalid UTF-8 byte 0xff in string: write it as \xff`},
		{"f(\xff)", `1:3: invalid UTF-8 byte 0xff`},
		{`f("abc`, `1:3: string not terminated`},
		{"f(\"abc\n\")", `1:3: string not terminated`},
		{`f("ab\qc")`, `1:6: invalid escape in string`},
		{`f($)`, `1:3: "$" must be followed by a step number`},
		{`f($99999999)`, `1:3: step number $99999999 is too large`},
		{`f(0x)`, `1:3: malformed integer "0x"`},
		{`f(08)`, `1:3: malformed integer "08"`},
		{`f(12abc)`, `1:3: malformed integer "12abc"`},
		{`f(18446744073709551616)`, `1:3: integer 18446744073709551616 does not fit in 64 bits`},
		{`f(-9223372036854775809)`, `1:4: integer -9223372036854775809 is below the smallest 64-bit value`},
		{`f(-)`, `1:4: expected a number or a constant after "-", found ")"`},
		{`f(-$0)`, `1:4: expected a number or a constant after "-", found $0`},
		{`f(buf[])`, `1:7: a buffer's size is an integer, as in buf[4096]; found "]"`},
		{`f(buf[0])`, `1:7: buffer size 0 is out of range`},
		{`f(buf[67108865])`, `1:7: buffer size 67108865 is out of range: 1 to 67108864 bytes`},
		{`f(buf[8)`, `1:8: expected "]" after the buffer size, found ")"`},
		{`f(O_RDONLY|"x")`, `1:12: only integers and constants can be combined with |, not a string`},
		{`f(O_RDONLY|$1)`, `1:12: only integers and constants can be combined with |, not a $N reference`},
		{`f(O_RDONLY||O_CREAT)`, `1:11: "||" is not an operator`},
		{`f() if`, `1:7: expected a comparison`},
		{`f() if 0`, `1:8: expected a comparison (== != < <= > >=, or <u <=u >u >=u), found "0"`},
		{`f() if = 0`, `1:8: unexpected "=": comparisons are`},
		{`f() if ==u 0`, `1:8: ==u has no unsigned form: write ==`},
		{`f() if == "x"`, `1:11: a condition compares the result with a number, a constant or $N, not a string`},
		{`f() if == b[8]`, `1:11: a condition compares the result with a number, a constant or $N, not a buffer declaration`},
		{`f() if == 0 or`, `1:15: expected a comparison`},
		{`f() if < 0 if > 0`, `1:12: a step has one if-clause`},
		{`f() if < 0 goto`, `1:16: goto needs a step number (counting from 0) or end, found end of input`},
		{`f() if < 0 goto 0x1`, `1:17: goto needs a step number (decimal, counting from 0) or end`},
		{`f() noblock noblock`, `1:13: noblock given twice`},
		{`f() allow-error allow-error`, `1:17: allow-error given twice`},
		{`f() if < 0 stop stop`, `1:17: unknown modifier "stop"`},
		{`noblock()`, `1:1: "noblock" is a keyword, not a syscall`},
		{`f(goto)`, `1:3: expected a value, found keyword "goto"`},
		{"getpid()\n  read(0, b[1], 1) if >\n", `2:24: expected a value`},
		{"f(1,\n\t@)", `2:2: unexpected character '@'`},
	} {
		_, err := Parse("", tc.in)
		if err == nil {
			t.Errorf("Parse(%q) succeeded, want error %q", tc.in, tc.want)
			continue
		}
		if !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("Parse(%q):\n got %v\nwant %s…", tc.in, err, tc.want)
		}
		if _, ok := err.(*Error); !ok {
			t.Errorf("Parse(%q): error is %T, want *Error", tc.in, err)
		}
	}
}

func TestErrorContext(t *testing.T) {
	_, err := Parse("chain.sc", "getpid()\n\tread(0, b[1], 1) if >\n")
	e := err.(*Error)
	if got, want := e.Error(), "chain.sc:2:23: expected a value (a number, constant, $N, string or buffer), found end of line"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	// The caret sits under the column; the line's tab is kept.
	if got, want := e.Context(), "\t\tread(0, b[1], 1) if >\n\t\t                     ^"; got != want {
		t.Errorf("Context() =\n%s\nwant\n%s", got, want)
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"opne", "open", 1}, {"open", "open", 0}, {"openat", "open", 2},
		{"", "abc", 3}, {"kitten", "sitting", 3},
	} {
		if got := editDistance(tc.a, tc.b, 10); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
	if got := editDistance("kitten", "sitting", 1); got != 2 {
		t.Errorf("editDistance with max 1 = %d, want 2 (gave up)", got)
	}
}
