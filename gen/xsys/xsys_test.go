package xsys

import (
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/syschain/syschain/tables"
)

// TestTablesAgree is the proof behind tables/: for every GOARCH, every
// syscall x/sys/unix knows is in the table with the same number, and the
// table has nothing x/sys/unix lacks. Loading x/sys/unix per GOARCH with
// go/packages takes seconds per arch on a cold build cache.
func TestTablesAgree(t *testing.T) {
	for _, g := range tables.GoArches() {
		t.Run(g, func(t *testing.T) {
			nums, err := SysNums(g)
			if err != nil {
				t.Fatal(err)
			}
			a, err := tables.Load(g)
			if err != nil {
				t.Fatal(err)
			}
			var bad []string
			for name, nr := range nums {
				s, ok := a.Lookup(name)
				switch {
				case !ok:
					bad = append(bad, "x/sys has "+name+"="+strconv.Itoa(nr)+", the table does not")
				case s.Nr != nr:
					bad = append(bad, name+": table "+strconv.Itoa(s.Nr)+", x/sys "+strconv.Itoa(nr))
				}
			}
			for _, s := range a.Syscalls {
				if _, ok := nums[s.Name]; !ok {
					bad = append(bad, "the table has "+s.Name+"="+strconv.Itoa(s.Nr)+", x/sys does not")
				}
			}
			sort.Strings(bad)
			for _, b := range bad {
				t.Error(b)
			}
		})
	}
}

// The pseudo-constants are filtered, and the two gccgo-only arches (read
// with go/parser) give the same kind of result as the type-checked ones.
func TestSysNums(t *testing.T) {
	arm, err := SysNums("arm")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"syscall_mask", "arch_specific_syscall", "fstatat"} {
		if _, ok := arm[n]; ok {
			t.Errorf("arm: pseudo-constant %s is not filtered", n)
		}
	}
	if arm["pread64"] != 180 {
		t.Errorf("arm pread64 = %d, want 180", arm["pread64"])
	}
	ppc, err := SysNums("ppc")
	if err != nil {
		t.Fatal(err)
	}
	if ppc["pread64"] != 179 || ppc["read"] != 3 {
		t.Errorf("ppc: pread64=%d read=%d, want 179 and 3", ppc["pread64"], ppc["read"])
	}
	sp, err := SysNums("sparc64")
	if err != nil {
		t.Fatal(err)
	}
	if sp["clone"] != 217 {
		t.Errorf("sparc64 clone = %d, want 217", sp["clone"])
	}
	if _, err := SysNums("vax"); err == nil {
		t.Error("SysNums(vax) succeeded")
	}
}

// scmpArch is libseccomp's name for each GOARCH it knows.
var scmpArch = map[string]string{
	"386": "x86", "amd64": "x86_64", "arm": "arm", "arm64": "aarch64",
	"loong64": "loongarch64", "mips": "mips", "mipsle": "mipsel",
	"mips64": "mips64", "mips64le": "mipsel64", "ppc": "ppc",
	"ppc64": "ppc64", "ppc64le": "ppc64le", "riscv64": "riscv64",
	"s390x": "s390x",
}

// TestSeccompOracle checks table numbers against libseccomp, an
// independent source (scmp_sys_resolver from Debian's seccomp package),
// for the calls it knows.
func TestSeccompOracle(t *testing.T) {
	if _, err := exec.LookPath("scmp_sys_resolver"); err != nil {
		t.Skip("SKIPPED: scmp_sys_resolver not installed (apt-get install seccomp); the independent number oracle did not run")
	}
	for _, g := range []string{"amd64", "arm", "mips", "s390x", "arm64"} {
		a, err := tables.Load(g)
		if err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		var wg sync.WaitGroup
		checked := 0
		sem := make(chan struct{}, 4)
		for i := range a.Syscalls {
			s := &a.Syscalls[i]
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				out, err := exec.Command("scmp_sys_resolver", "-a", scmpArch[g], s.Name).Output()
				if err != nil {
					t.Errorf("scmp_sys_resolver -a %s %s: %v", scmpArch[g], s.Name, err)
					return
				}
				n, err := strconv.Atoi(strings.TrimSpace(string(out)))
				if err != nil || n < 0 {
					return // libseccomp does not know the name (newer, or arch-private)
				}
				mu.Lock()
				defer mu.Unlock()
				checked++
				if n != s.Nr {
					t.Errorf("%s %s: table %d, libseccomp %d", g, s.Name, s.Nr, n)
				}
			}()
		}
		wg.Wait()
		t.Logf("%s: %d of %d numbers confirmed by libseccomp", g, checked, len(a.Syscalls))
		if checked < len(a.Syscalls)*3/4 {
			t.Errorf("%s: libseccomp knew only %d of %d names", g, checked, len(a.Syscalls))
		}
	}
}
