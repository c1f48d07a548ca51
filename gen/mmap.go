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
		return addBlockMmap(a, goNames)
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
	ps := mmapParams()
	kinds := []string{"KindHex", "KindUint", "KindProt", "KindMapFlags", "KindFD", "KindUint"}
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

// addBlockMmap gives an arch whose only mmap is the old one-pointer form
// (s390x: sys_old_mmap reads addr, len, prot, flags, fd and offset from a
// six-word block in memory) the portable Mmap: the generated code fills a
// block the chain keeps alive. A Ret cannot be written into memory before
// the chain runs, so on such an arch every Mmap argument must be a literal.
func addBlockMmap(a *Arch, goNames map[string]string) error {
	old, ok := a.byName["mmap"]
	if !ok || !old.HasSig || len(old.Slots) != 1 || old.Entry != "sys_old_mmap" {
		return nil
	}
	if prev, dup := goNames["Mmap"]; dup {
		return fmt.Errorf("linux/%s: %s already is method Mmap; cannot add the portable one", a.GoArch, prev)
	}
	s := &Syscall{
		Nr: old.Nr, Name: old.Name, GoName: "Mmap", Entry: old.Entry, Source: old.Source,
		HasSig: true, Params: mmapParams(), SysConst: old.SysConst, synth: true,
		Proto: "void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off) /* as old_mmap(&{addr, len, prot, flags, fd, off}) */",
		Note:  "On this arch the kernel's mmap reads its six arguments from memory: they are stored in a block the chain keeps, so none of them can be a Ret.",
	}
	s.Slots = []Slot{{Op: OpBlock, Name: "arg", RtKind: "KindPtr"}}
	a.Syscalls = append(a.Syscalls, s)
	goNames["Mmap"] = s.Name
	return nil
}

func mmapParams() []*Param {
	return []*Param{
		{Name: "addr", CName: "addr", CType: "unsigned long", Kind: kInt},
		{Name: "length", CName: "len", CType: "unsigned long", Kind: kInt},
		{Name: "prot", CName: "prot", CType: "unsigned long", Kind: kInt},
		{Name: "flags", CName: "flags", CType: "unsigned long", Kind: kInt},
		{Name: "fd", CName: "fd", CType: "unsigned long", Kind: kInt},
		{Name: "off", CName: "off", CType: "loff_t", Kind: kInt64},
	}
}
