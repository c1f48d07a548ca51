package gen

import "fmt"

// On 32-bit arches the kernel's mmap is either missing (arm EABI), the old
// one-struct-pointer form (386: sys_old_mmap) or takes a 32-bit offset (mips,
// ppc). Every one of them has mmap2, whose last argument is the offset in
// 4096-byte units. addPortableMmap gives such an arch an Mmap method with
// the 64-bit arches' signature,
//
//	Mmap(addr, length, prot, flags, fd int, off int64)
//
// that calls mmap2 with off/4096, so the same Go call maps the same bytes on
// every arch. The arch's own mmap row, if any, becomes OldMmap.
func addPortableMmap(a *Arch, goNames map[string]string) error {
	m2, ok := a.byName["mmap2"]
	if !ok || !m2.HasSig || len(m2.Slots) != 6 {
		return nil
	}
	if old, ok := a.byName["mmap"]; ok {
		delete(goNames, old.GoName)
		old.GoName = "OldMmap"
		old.Note = "It is the arch's own mmap; Mmap (through mmap2) takes a 64-bit offset on every arch."
		if prev, dup := goNames[old.GoName]; dup {
			return fmt.Errorf("%s: %s and mmap both become OldMmap", old.Source, prev)
		}
		goNames[old.GoName] = old.Name
	}
	if prev, dup := goNames["Mmap"]; dup {
		return fmt.Errorf("linux/%s: %s already is method Mmap; cannot add the portable one", a.GoArch, prev)
	}
	ps := []*Param{
		{Name: "addr", CName: "addr", CType: "unsigned long", Kind: kInt},
		{Name: "length", CName: "len", CType: "unsigned long", Kind: kInt},
		{Name: "prot", CName: "prot", CType: "unsigned long", Kind: kInt},
		{Name: "flags", CName: "flags", CType: "unsigned long", Kind: kInt},
		{Name: "fd", CName: "fd", CType: "unsigned long", Kind: kInt},
		{Name: "off", CName: "off", CType: "loff_t", Kind: kInt64},
	}
	kinds := []string{"KindHex", "KindUint", "KindHex", "KindHex", "KindFD", "KindUint"}
	names := []string{"addr", "len", "prot", "flags", "fd", "pgoff"}
	s := &Syscall{
		Nr: m2.Nr, Name: m2.Name, GoName: "Mmap", Entry: m2.Entry, Source: m2.Source,
		HasSig: true, Params: ps, SysConst: m2.SysConst, synth: true,
		Proto: "void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off) /* as mmap2(..., off / 4096) */",
		Note:  "On this arch it is mmap2 with the offset converted to 4096-byte pages; off must be a multiple of 4096 and not a Ret.",
	}
	for i := range ps {
		op := OpWhole
		if i == 5 {
			op = OpPages
		}
		s.Slots = append(s.Slots, Slot{Op: op, Param: ps[i], Name: names[i], RtKind: kinds[i]})
	}
	a.Syscalls = append(a.Syscalls, s)
	goNames["Mmap"] = s.Name
	return nil
}
