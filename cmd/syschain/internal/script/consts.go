package script

import "sort"

//go:generate go run mkconsts.go

// u64 turns a constant above MaxInt64 (RLIM_INFINITY) into the int64 with
// the same bits, which a constant conversion would refuse.
func u64(v uint64) int64 { return int64(v) }

// extraConsts are names a C programmer expects that x/sys/unix lacks.
var extraConsts = map[string]int64{
	"NULL": 0,
}

// Const returns the value of a named constant: one of x/sys/unix's
// families (O_*, AT_*, SEEK_*, PROT_*, MAP_*, S_I*, F_*, FD_*, CLOCK_*,
// errno values E*, signals SIG*, … see mkconsts.go for the list) with its
// value on the arch the program was built for, or NULL.
func Const(name string) (int64, bool) {
	if v, ok := unixConsts[name]; ok {
		return v, true
	}
	v, ok := extraConsts[name]
	return v, ok
}

// ConstNames returns every constant name Const knows, sorted.
func ConstNames() []string {
	names := make([]string, 0, len(unixConsts)+len(extraConsts))
	for n := range unixConsts {
		names = append(names, n)
	}
	for n := range extraConsts {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
