package gen

import (
	"bytes"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/syschain/syschain/runtime"

	"github.com/syschain/syschain/tables"
)

func loadAll(t testing.TB) []*Arch {
	t.Helper()
	archs, err := Load(nil, testUnix(t))
	if err != nil {
		t.Fatal(err)
	}
	return archs
}

// TestReport builds every arch's model from the real tables and logs the
// typing coverage (go test -v -run Report ./gen shows it).
func TestReport(t *testing.T) {
	archs := loadAll(t)
	if len(archs) != len(tables.GoArches()) {
		t.Fatalf("built %d arches, tables has %d", len(archs), len(tables.GoArches()))
	}
	var b bytes.Buffer
	if err := Report(&b, archs); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + b.String())
	for _, a := range archs {
		total, typed := 0, 0
		for _, s := range a.Syscalls {
			if !s.synth {
				total++
				if s.Typed() {
					typed++
				}
			}
		}
		// About 70-80% today (lower on 32-bit arches, where x/sys has no
		// 64-bit-time structs); a big drop means a rule or the tables'
		// C types changed.
		if share := float64(typed) / float64(total); share < 0.65 {
			t.Errorf("linux/%s: only %d of %d syscalls fully typed (%.0f%%)", a.GoArch, typed, total, 100*share)
		}
	}
}

// TestOneSignature: a method has the same Go signature on every arch that
// has it, except where the C types really differ (a struct x/sys lays out
// differently per arch) — those are listed, and a new divergence fails.
func TestOneSignature(t *testing.T) {
	archs := loadAll(t)
	sigs := map[string]map[string][]string{} // method → signature → arches
	for _, a := range archs {
		for _, s := range a.Syscalls {
			if !s.HasSig {
				continue
			}
			var ps []string
			for _, p := range s.Params {
				ps = append(ps, p.GoType()) // names do not matter to callers
			}
			sig := "(" + strings.Join(ps, ", ") + ")"
			if sigs[s.GoName] == nil {
				sigs[s.GoName] = map[string][]string{}
			}
			sigs[s.GoName][sig] = append(sigs[s.GoName][sig], a.GoArch)
		}
	}
	// The portable methods: one signature, and present on every gc arch.
	for _, a := range archs {
		for _, p := range a.Portables {
			var ps []string
			for _, q := range p.Params {
				ps = append(ps, q.typ)
			}
			sig := "(" + strings.Join(ps, ", ") + ")"
			if sigs[p.Name] == nil {
				sigs[p.Name] = map[string][]string{}
			}
			sigs[p.Name][sig] = append(sigs[p.Name][sig], a.GoArch)
		}
	}
	for _, f := range portableFuncs {
		for _, a := range archs {
			if a.GoArch == "ppc" || a.GoArch == "sparc64" {
				continue // gccgo's arches
			}
			found := false
			for _, p := range a.Portables {
				found = found || p.Name == f.name
			}
			for _, s := range a.Syscalls {
				found = found || (s.Portable && s.GoName == f.name)
			}
			if !found {
				t.Errorf("portable %s is missing on linux/%s", f.name, a.GoArch)
			}
		}
	}
	var names []string
	for n, m := range sigs {
		if strings.HasPrefix(n, "Sys") {
			continue // a kernel-named method renamed for a portable one: the arch's own call
		}
		if len(m) > 1 {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		var lines []string
		for sig, as := range sigs[n] {
			lines = append(lines, "\t"+sig+"  on "+strings.Join(as, ","))
		}
		sort.Strings(lines)
		t.Logf("%s has %d signatures:\n%s", n, len(sigs[n]), strings.Join(lines, "\n"))
	}
	for _, n := range []string{"Pread64", "Pwrite64", "Preadv", "Pwritev", "Mmap", "Lseek", "Read", "Openat", "Fallocate", "Ftruncate", "Ftruncate64", "Readahead", "SyncFileRange",
		"Fstat", "Stat", "Lstat", "Fstatat", "Pread", "Pwrite", "Sendfile", "Splice", "CopyFileRange", "Accept4", "Getsockname", "Recvfrom", "Open", "Getrlimit", "Statfs", "Fstatfs"} {
		if len(sigs[n]) > 1 {
			t.Errorf("%s must have one Go signature on every arch, has %d", n, len(sigs[n]))
		}
	}
	// The known divergences: a struct x/sys lays out differently from the
	// kernel on some arches (stat, statfs, rlimit, timex, sigaction,
	// timespec arrays…), so the parameter is unsafe.Pointer there, or the
	// kernels really take different arguments (fadvise64, ipc, pipe,
	// old_mmap). A name not listed here is a new divergence to look at.
	known := set("Adjtimex", "ClockAdjtime", "EpollPwait2", "Fadvise64", "Fstat", "Fstat64", "Fstatat64", "Fstatfs",
		"Fstatfs64", "FutexWait", "FutexWaitv", "Futimesat", "Getrlimit", "Ipc", "Lstat", "Lstat64", "Newfstatat",
		"OldMmap", "Oldlstat", "Pipe", "RtSigaction", "SetThreadArea", "Setrlimit", "Sigaction", "Sigpending",
		"Sigprocmask", "Sigsuspend", "Stat", "Stat64", "Statfs", "Statfs64", "Ugetrlimit", "Utime", "Utimensat", "Utimes")
	for _, n := range names {
		if !known[n] {
			t.Errorf("%s has %d Go signatures across arches (see the log above); make them one, or add it to the known list with the reason", n, len(sigs[n]))
		}
	}
}

// TestReservedMethods: a syscall method must never shadow a method of the
// embedded runtime.Chain (mips o32's "syscall" would hide the raw
// Syscall) or the typed Chain's own; reservedMethods is read from
// runtime.Chain, so this checks that reading and every arch's names.
func TestReservedMethods(t *testing.T) {
	for _, n := range []string{"Syscall", "When", "Run", "RunInto", "Prepare", "Chain", "New"} {
		if !reservedMethods[n] {
			t.Errorf("%s is not in reservedMethods: a syscall of that name would shadow it", n)
		}
	}
	for _, a := range loadAll(t) {
		for _, s := range a.Syscalls {
			if reservedMethods[s.GoName] {
				t.Errorf("linux/%s: syscall %s has reserved method name %s", a.GoArch, s.Name, s.GoName)
			}
		}
	}
}

// TestNumberedHalves: numbered parameters are split halves of one 64-bit
// value only for offsets and lengths (ppc32's sync_file_range2); kcmp's
// pid1/pid2 and idx1/idx2 and sysfs's arg1/arg2 are separate values.
func TestNumberedHalves(t *testing.T) {
	archs := loadAll(t)
	goTypes := func(goarch, name string) string {
		for _, a := range archs {
			if a.GoArch != goarch {
				continue
			}
			s, ok := a.Lookup(name)
			if !ok {
				t.Fatalf("%s: no %s", goarch, name)
			}
			var ps []string
			for _, p := range s.Params {
				ps = append(ps, p.Name+" "+p.GoType())
			}
			return strings.Join(ps, ", ")
		}
		t.Fatalf("no arch %s", goarch)
		return ""
	}
	for _, tc := range []struct{ goarch, name, want string }{
		{"amd64", "kcmp", "pid1 int, pid2 int, typ int, idx1 int, idx2 int"},
		{"386", "kcmp", "pid1 int, pid2 int, typ int, idx1 int, idx2 int"},
		{"amd64", "sysfs", "option int, arg1 int, arg2 int"},
		{"ppc", "sync_file_range2", "fd int, flags int, offset int64, nbytes int64"},
	} {
		if got := goTypes(tc.goarch, tc.name); got != tc.want {
			t.Errorf("%s on %s: params %q, want %q", tc.name, tc.goarch, got, tc.want)
		}
	}
}

// TestTypedWraps: every chaining method of runtime.Chain has a typed
// wrapper in the common file, so chaining keeps the typed *Chain.
func TestTypedWraps(t *testing.T) {
	files, err := Render("p", "zchain", "test", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, methods := Declared(files)
	typ := reflect.TypeOf(&runtime.Chain{})
	for i := 0; i < typ.NumMethod(); i++ {
		m := typ.Method(i)
		if m.Name == "Begin" || m.Type.NumOut() != 1 || m.Type.Out(0) != typ {
			continue
		}
		if !slices.Contains(methods, m.Name) {
			t.Errorf("runtime.Chain.%s returns *runtime.Chain but the typed Chain has no %s", m.Name, m.Name)
		}
	}
}
