package diskusage

import (
	"math/bits"
	"math/rand"
	"os/exec"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/syschain/syschain/runtime"
)

// interrupting is a backend that behaves as the kernel does when a signal
// is pending between steps (why Pause, wire-format version 2): each call
// runs a random number of the next steps on interp and stops before the
// rest, which the runtime then resumes through ExecFrom. The walk must see
// one uninterrupted chain and still print GNU du's output. (A version-1
// chain stopped with INTR instead; the walker redoes what did not run.)
type interrupting struct {
	rng  *rand.Rand
	cuts int
}

func (*interrupting) Name() string { return "interrupting" }

func (b *interrupting) Exec(p *runtime.Program, results []uintptr) (uintptr, error) {
	return b.ExecFrom(p, results, 0)
}

// ExecFrom runs steps k, k+1, … of p and may stop before any of them but
// the first (runtime.Resumer).
func (b *interrupting) ExecFrom(p *runtime.Program, results []uintptr, k int) (uintptr, error) {
	w := p.Words()
	// Step boundaries (docs/wire-format.md, "A step").
	var ends []int
	for pos := 0; pos < len(w); {
		bm := uint64(w[pos+1])
		if bm>>30&1 != 0 { // a cleanup step: cut only the body
			break
		}
		nconds := int(bm >> 6 & 7)
		nargs := int(bm >> 9 & 7)
		action := bm >> 19 & 3
		bounds := bits.OnesCount64(bm >> 23 & 0x3f)
		pos += 2 + nargs + 1 + nconds + bounds
		if nconds > 0 {
			pos++
		}
		if action == 2 {
			pos++
		}
		ends = append(ends, pos)
	}
	if len(ends) == len(results) && len(ends)-k >= 2 && b.rng.Intn(3) != 0 {
		m := k + 1 + b.rng.Intn(len(ends)-k-1) // run steps k..m-1, stop before m
		prefix := runtime.RawProgramFlags(w[:ends[m-1]], p.Flags())
		if err := prefix.Validate(); err != nil {
			return 0, err
		}
		st, err := runtime.Interp{}.ExecFrom(prefix, results[:m], k)
		if err != nil || st != uintptr(m-k) { // the prefix ended early by itself
			canceled := unix.ECANCELED
			for i := m; i < len(results); i++ {
				results[i] = -uintptr(canceled)
			}
			return st, err
		}
		b.cuts++
		return uintptr(m-k) | uintptr(runtime.Pause)<<16, nil
	}
	return runtime.Interp{}.ExecFrom(p, results, k)
}

func TestInterruptedChains(t *testing.T) {
	if _, err := exec.LookPath("du"); err != nil {
		t.Skip("no GNU du installed")
	}
	dir := t.TempDir()
	makeTree(t, filepath.Join(dir, "t"))
	b := &interrupting{rng: rand.New(rand.NewSource(3))}
	for _, args := range [][]string{{"t"}, {"-s", "-b", "t"}, {"t/big"}} {
		want, wantErr, wantOK := gnuDu(t, dir, nil, args...)
		opt, ops := flagsOf(Options{Method: Chains, Backend: b}, args)
		got, gotErr, gotOK := runWalker(t, dir, opt, ops)
		if got != want || gotErr != wantErr || gotOK != wantOK {
			t.Errorf("du %q with interrupted chains: differs from GNU du\n%s", args, diffText(want+wantErr, got+gotErr))
		}
	}
	if b.cuts < 50 {
		t.Fatalf("only %d chains were interrupted", b.cuts)
	}
	t.Logf("%d chains interrupted", b.cuts)
}
