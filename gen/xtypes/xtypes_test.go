package xtypes

import (
	"strings"
	"testing"
)

func TestLoad(t *testing.T) {
	dir, err := Locate("")
	if err != nil {
		t.Fatal(err)
	}
	c := &Cache{Dir: dir}
	for _, tc := range []struct {
		arch  string
		name  string
		nr    int
		types []string
	}{
		{"amd64", "read", 0, []string{"Stat_t", "Statx_t", "Timespec"}},
		{"arm", "pread64", 180, []string{"Stat_t", "Iovec"}},
		{"mips", "read", 4003, []string{"Stat_t"}},
		{"386", "_llseek", 140, nil},           // x/sys spells it SYS__LLSEEK
		{"ppc", "read", 3, []string{"Stat_t"}}, // gccgo-only: parsed, not loaded
		{"sparc64", "read", 3, []string{"Stat_t"}},
	} {
		u, err := c.Load(tc.arch)
		if err != nil {
			t.Fatalf("%s: %v", tc.arch, err)
		}
		if name, ok := u.SysConst(tc.name, tc.nr); !ok {
			t.Errorf("%s: %s (%s) is not %d", tc.arch, tc.name, name, tc.nr)
		}
		if _, ok := u.SysConst(tc.name, tc.nr+1); ok {
			t.Errorf("%s: %s also matches number %d", tc.arch, tc.name, tc.nr+1)
		}
		for _, typ := range tc.types {
			if !u.HasType(typ) {
				t.Errorf("%s: no type %s", tc.arch, typ)
			}
		}
	}
	if _, err := c.Load("pdp11"); err == nil || !strings.Contains(err.Error(), "linux/pdp11 is not supported") {
		t.Errorf("Load(pdp11) = %v", err)
	}
}
