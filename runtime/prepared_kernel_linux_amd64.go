package runtime

// isKernel reports whether b is the sys_chain backend, which execOn calls
// directly (a static call, not through the Backend interface).
func isKernel(b Backend) bool {
	_, ok := b.(Kernel)
	return ok
}

// execKernel is Kernel.Exec, called statically.
func execKernel(p *Program, results []uintptr) (uintptr, error) {
	return Kernel{}.Exec(p, results)
}
