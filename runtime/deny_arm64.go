//go:build linux && arm64

package runtime

// SysChain is the number of the sys_chain syscall on this arch: 500, as on
// x86_64, an arm64-only entry after the asm-generic table
// (docs/wire-format.md, "Entry point"; kernel/README.md, "Arches").
const SysChain = 500

func init() { denyList = append(denyList, denied{SysChain, "sys_chain"}) }
