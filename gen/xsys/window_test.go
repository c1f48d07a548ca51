package xsys

import (
	"go/constant"
	"go/types"
	"os"
	"testing"

	"golang.org/x/tools/go/packages"
)

// TestNoConstantInRetWindow: no integer constant of x/sys/unix on a 32-bit
// arch lies in Ret's 32-bit tag window, 0x8A7C5C00-0x8A7C5DFF (runtime/ret.go:
// retTag32 | retIdxMask), so passing one to a chain can never be read as a
// reference. The runtime package doc cites this test.
func TestNoConstantInRetWindow(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks x/sys/unix for four arches")
	}
	const lo, hi = 0x8A7C5C00, 0x8A7C5DFF
	for _, goarch := range []string{"386", "arm", "mips", "mipsle"} {
		cfg := &packages.Config{
			Mode: packages.NeedName | packages.NeedTypes,
			Env:  append(os.Environ(), "GOOS=linux", "GOARCH="+goarch, "CGO_ENABLED=0"),
		}
		pkgs, err := packages.Load(cfg, UnixPath)
		if err != nil || len(pkgs) != 1 || pkgs[0].Types == nil {
			t.Fatalf("loading x/sys/unix for %s: %v", goarch, err)
		}
		scope := pkgs[0].Types.Scope()
		n := 0
		for _, name := range scope.Names() {
			c, ok := scope.Lookup(name).(*types.Const)
			if !ok || c.Val().Kind() != constant.Int {
				continue
			}
			v, exact := constant.Int64Val(c.Val())
			if !exact {
				continue // wider than 64 bits: not a 32-bit argument
			}
			n++
			if u := uint32(v); int64(u) == v || int64(int32(u)) == v {
				if u >= lo && u <= hi {
					t.Errorf("linux/%s: unix.%s = %#x is in Ret's tag window", goarch, name, u)
				}
			}
		}
		if n < 1000 {
			t.Errorf("linux/%s: only %d integer constants found", goarch, n)
		}
	}
}
