package diskusage

import (
	"bytes"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestQuoteAlwaysMatchesLs compares quoteAlways with GNU ls's
// shell-escape-always style (gnulib quotearg, as du's diagnostics use it)
// on fixed and random names, in the C locale.
func TestQuoteAlwaysMatchesLs(t *testing.T) {
	if _, err := exec.LookPath("ls"); err != nil {
		t.Skip("no ls")
	}
	dir := t.TempDir()
	names := [][]byte{
		[]byte("plain"), []byte("a b"), []byte("'"), []byte("''"), []byte("a'b"),
		[]byte("a'\n"), []byte("\n'"), []byte("\x01\x02"), []byte(`\`), []byte("a\\\n"),
		[]byte("\x1b[1m"), []byte("a\"b'c"), []byte("x'\ny"), []byte("\x7f'"), []byte("$'"),
		[]byte("\x01'\x02"), []byte("\a\b\f\v\r\t"), []byte("\xc3\xa9"), []byte("-n"), []byte("~x#"),
	}
	rng := rand.New(rand.NewSource(1))
	alphabet := []byte("ab '\"$\\\n\t\x01\x7f\x80\xff?#~=!")
	for len(names) < 300 {
		n := make([]byte, 1+rng.Intn(6))
		for i := range n {
			n[i] = alphabet[rng.Intn(len(alphabet))]
		}
		names = append(names, n)
	}
	seen := map[string]bool{}
	var args []string
	var want [][]byte
	for _, n := range names {
		if seen[string(n)] {
			continue
		}
		seen[string(n)] = true
		if err := os.WriteFile(filepath.Join(dir, string(n)), nil, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, string(n))
		want = append(want, quoteAlways(n))
	}
	cmd := exec.Command("ls", append([]string{"-d", "-1", "-f", "--quoting-style=shell-escape-always", "--"}, args...)...)
	cmd.Dir = dir
	cmd.Env = []string{"LC_ALL=C"}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ls: %v", err)
	}
	// ls -f keeps the argument order; each name is one line (quoted
	// names have no raw newline).
	lines := bytes.Split(bytes.TrimSuffix(out, []byte("\n")), []byte("\n"))
	if len(lines) != len(want) {
		t.Fatalf("ls printed %d lines for %d names", len(lines), len(want))
	}
	for i := range want {
		if !bytes.Equal(lines[i], want[i]) {
			t.Errorf("name %q: ls quotes it %s, quoteAlways %s", args[i], lines[i], want[i])
		}
	}
}
