//go:build linux && amd64

package runtime

// SysChain is the number of the sys_chain syscall on this arch (the seed's
// 500 on x86_64; docs/wire-format.md, "Entry point"). Only the arches
// with a kernel hook (kernel/README.md, "Arches") declare it.
const SysChain = 500

func init() { denyList = append(denyList, denied{SysChain, "sys_chain"}) }
