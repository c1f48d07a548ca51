package tablegen

// Target describes how one Go GOARCH's table is made from a Linux tree.
// Everything per-arch that is not read from the tree is here, in one
// place, with where it comes from.
type Target struct {
	GoArch    string // GOARCH
	LinuxArch string // the kernel's name for the ABI, e.g. "x86_64", "mips"
	SrcArch   string // directory under arch/, e.g. "x86", "powerpc"
	Bits      int    // register width
	BigEndian bool

	// Numbers come from a .tbl file filtered by ABI (as the arch's
	// syscalls Makefile does; no ABIs: every row), plus Offset
	// (__NR_Linux on mips) ...
	Tbl    string
	ABIs   []string
	Offset int
	// ... or, when Generic, from the list the asm-generic arches share,
	// in whichever layout the tree has (layout.go):
	// include/uapi/asm-generic/unistd.h through the arch's uapi
	// asm/unistd.h, preprocessed by gcc (Linux ≤ 6.10), or
	// scripts/syscall.tbl with the ABIs of the arch's
	// kernel/Makefile.syscalls (≥ 6.11).
	Generic bool
	// CppDefines are the compiler's predefined macros for the ABI
	// (NAME or NAME=VALUE): given to gcc, and known when #if is evaluated.
	CppDefines []string

	// PairAlign: a 64-bit argument on this 32-bit ABI starts in an
	// even-numbered register (arm EABI, mips o32, ppc32 calling
	// conventions), leaving a padding register before it when needed.
	PairAlign bool

	// Config are the Kconfig symbols (without CONFIG_) known to be set for
	// this arch before the arch's Kconfig `select`s are read: the arch's
	// own symbol and the word-size symbols. Every other CONFIG_ symbol of
	// an arch family listed in archFamilies is known to be unset.
	Config []string
}

// Targets are the 15 GOARCHes golang.org/x/sys/unix supports on Linux,
// sorted by GOARCH.
var Targets = []Target{
	{GoArch: "386", LinuxArch: "i386", SrcArch: "x86", Bits: 32,
		Tbl: "arch/x86/entry/syscalls/syscall_32.tbl", ABIs: []string{"i386"},
		CppDefines: []string{"__i386__"}, Config: []string{"X86", "X86_32"}},
	{GoArch: "amd64", LinuxArch: "x86_64", SrcArch: "x86", Bits: 64,
		Tbl: "arch/x86/entry/syscalls/syscall_64.tbl", ABIs: []string{"common", "64"},
		CppDefines: []string{"__x86_64__"}, Config: []string{"X86", "X86_64", "64BIT"}},
	{GoArch: "arm", LinuxArch: "arm", SrcArch: "arm", Bits: 32,
		Tbl: "arch/arm/tools/syscall.tbl", ABIs: []string{"common", "eabi"},
		PairAlign: true, CppDefines: []string{"__arm__", "__ARM_EABI__"},
		Config: []string{"ARM", "AEABI", "CPU_LITTLE_ENDIAN"}},
	{GoArch: "arm64", LinuxArch: "arm64", Generic: true, SrcArch: "arm64", Bits: 64,
		CppDefines: []string{"__aarch64__", "__LP64__"},
		Config:     []string{"ARM64", "64BIT"}},
	{GoArch: "loong64", LinuxArch: "loongarch64", Generic: true, SrcArch: "loongarch", Bits: 64,
		CppDefines: []string{"__loongarch__", "__loongarch64", "__LP64__"},
		Config:     []string{"LOONGARCH", "64BIT"}},
	{GoArch: "mips", LinuxArch: "mips", SrcArch: "mips", Bits: 32, BigEndian: true,
		Tbl: "arch/mips/kernel/syscalls/syscall_o32.tbl", Offset: 4000,
		PairAlign: true, CppDefines: mipsDefines(1), Config: []string{"MIPS", "32BIT", "CPU_BIG_ENDIAN"}},
	{GoArch: "mips64", LinuxArch: "mips64", SrcArch: "mips", Bits: 64, BigEndian: true,
		Tbl: "arch/mips/kernel/syscalls/syscall_n64.tbl", Offset: 5000,
		CppDefines: mipsDefines(3), Config: []string{"MIPS", "64BIT", "CPU_BIG_ENDIAN"}},
	{GoArch: "mips64le", LinuxArch: "mips64", SrcArch: "mips", Bits: 64,
		Tbl: "arch/mips/kernel/syscalls/syscall_n64.tbl", Offset: 5000,
		CppDefines: mipsDefines(3), Config: []string{"MIPS", "64BIT", "CPU_LITTLE_ENDIAN"}},
	{GoArch: "mipsle", LinuxArch: "mips", SrcArch: "mips", Bits: 32,
		Tbl: "arch/mips/kernel/syscalls/syscall_o32.tbl", Offset: 4000,
		PairAlign: true, CppDefines: mipsDefines(1), Config: []string{"MIPS", "32BIT", "CPU_LITTLE_ENDIAN"}},
	{GoArch: "ppc", LinuxArch: "powerpc", SrcArch: "powerpc", Bits: 32, BigEndian: true,
		Tbl: "arch/powerpc/kernel/syscalls/syscall.tbl", ABIs: []string{"common", "nospu", "32"},
		PairAlign: true, CppDefines: []string{"__powerpc__"}, Config: []string{"PPC", "PPC32", "32BIT", "CPU_BIG_ENDIAN"}},
	{GoArch: "ppc64", LinuxArch: "powerpc64", SrcArch: "powerpc", Bits: 64, BigEndian: true,
		Tbl: "arch/powerpc/kernel/syscalls/syscall.tbl", ABIs: []string{"common", "nospu", "64"},
		CppDefines: []string{"__powerpc__", "__powerpc64__"}, Config: []string{"PPC", "PPC64", "64BIT", "CPU_BIG_ENDIAN"}},
	{GoArch: "ppc64le", LinuxArch: "powerpc64le", SrcArch: "powerpc", Bits: 64,
		Tbl: "arch/powerpc/kernel/syscalls/syscall.tbl", ABIs: []string{"common", "nospu", "64"},
		CppDefines: []string{"__powerpc__", "__powerpc64__"}, Config: []string{"PPC", "PPC64", "64BIT", "CPU_LITTLE_ENDIAN"}},
	{GoArch: "riscv64", LinuxArch: "riscv64", Generic: true, SrcArch: "riscv", Bits: 64,
		CppDefines: []string{"__riscv", "__LP64__"},
		Config:     []string{"RISCV", "64BIT"}},
	{GoArch: "s390x", LinuxArch: "s390x", SrcArch: "s390", Bits: 64, BigEndian: true,
		Tbl: "arch/s390/kernel/syscalls/syscall.tbl", ABIs: []string{"common", "64"},
		CppDefines: []string{"__s390__", "__s390x__"}, Config: []string{"S390", "64BIT"}},
	{GoArch: "sparc64", LinuxArch: "sparc64", SrcArch: "sparc", Bits: 64, BigEndian: true,
		Tbl: "arch/sparc/kernel/syscalls/syscall.tbl", ABIs: []string{"common", "64"},
		CppDefines: []string{"__sparc__", "__arch64__"}, Config: []string{"SPARC", "SPARC64", "64BIT"}},
}

// mipsDefines are the compiler's ABI macros (arch/mips/include/uapi/asm/sgidefs.h
// values): _MIPS_SIM is 1 for o32, 3 for n64.
func mipsDefines(sim int) []string {
	return []string{"__mips__", "_MIPS_SIM_ABI32=1", "_MIPS_SIM_NABI32=2", "_MIPS_SIM_ABI64=3", "_MIPS_SIM=" + string(rune('0'+sim))}
}

// archFamilies are CONFIG_ symbols (and, followed by "_", prefixes) whose symbols are arch-specific:
// for a given target, any such symbol not in its Config (or selected by
// its Kconfig) is known to be unset, so code for other arches drops out.
var archFamilies = []string{
	"X86", "ARM", "ARM64", "AEABI", "OABI", "MIPS", "PPC", "PPC32", "PPC64", "S390", "SPARC",
	"RISCV", "LOONGARCH", "64BIT", "32BIT", "CLONE_BACKWARDS", "CPU_BIG_ENDIAN",
	"CPU_LITTLE_ENDIAN", "ALPHA", "IA64", "PARISC", "SUPERH", "M68K", "XTENSA",
	"MICROBLAZE", "CSKY", "ARC", "NIOS2", "OPENRISC", "HEXAGON", "UML", "SPARC32",
	"SPARC64", "MIPS32", "MIPS64", "CLONE_BACKWARDS2", "CLONE_BACKWARDS3",
	"OLD_SIGSUSPEND", "OLD_SIGSUSPEND3", "OLD_SIGACTION", "ARCH_SPLIT_ARG64",
}

// TargetFor returns the target of a GOARCH.
func TargetFor(goarch string) (Target, bool) {
	for _, t := range Targets {
		if t.GoArch == goarch {
			return t, true
		}
	}
	return Target{}, false
}
