package runtime

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// Backend executes compiled chains. Exec runs p with the semantics of
// docs/wire-format.md ("Execution"): it writes results[i] for every step i
// < p.Len() (the raw return value, or -ECANCELED for a step that did not
// run) and returns the status word (ran | why<<16). It returns a non-nil
// error only when it refused the chain before running any step.
//
// Exec gets a validated Program; Go memory the chain points to is kept
// alive and pinned by the caller for the duration of the call. results
// has exactly p.Len() elements. Exec must be safe for concurrent use.
// Backends report raw results only: shared code turns the status word and
// results into a Result and a *StepError, so every backend reports alike.
//
// A backend in package runtime (the kernel backend) may use p.Words() and
// hand the words and results to sys_chain directly.
type Backend interface {
	Name() string
	Exec(p *Program, results []uintptr) (status uintptr, err error)
}

// Prober is implemented by backends that are not available everywhere
// (the kernel backend needs a patched kernel). Available is called once,
// the first time the default backend is chosen, and its answer is kept.
type Prober interface {
	Available() error
}

// Acceptor is implemented by backends that run only some chains (say,
// only syscalls they have an operation for). The default choice skips a
// backend whose Accepts returns false for the chain.
type Acceptor interface {
	Accepts(p *Program) bool
}

type registered struct {
	b     Backend
	prio  int
	once  sync.Once
	avail error
}

func (r *registered) available() bool {
	r.once.Do(func() {
		if pr, ok := r.b.(Prober); ok {
			r.avail = pr.Available()
		}
	})
	return r.avail == nil
}

// The registry is copy-on-write so choosing a backend on every Run takes
// no lock.
var (
	registryMu sync.Mutex
	registry   atomic.Pointer[[]*registered]
)

// RegisterBackend adds b to the backends Run may choose from. Run uses the
// available, accepting backend of the highest priority; interp is
// registered at priority 0 and is the fallback. Register from an init
// function. A second registration of the same name replaces the first.
// dryrun is not registered: it never runs a chain by default.
func RegisterBackend(b Backend, priority int) {
	registryMu.Lock()
	defer registryMu.Unlock()
	var list []*registered
	if old := registry.Load(); old != nil {
		for _, r := range *old {
			if r.b.Name() != b.Name() {
				list = append(list, r)
			}
		}
	}
	list = append(list, &registered{b: b, prio: priority})
	slices.SortStableFunc(list, func(a, b *registered) int { return b.prio - a.prio })
	registry.Store(&list)
}

func init() { RegisterBackend(Interp{}, 0) }

// DefaultBackend returns the backend Run would use for p (for any chain
// if p is nil).
func DefaultBackend(p *Program) Backend {
	if l := registry.Load(); l != nil {
		for _, r := range *l {
			if !r.available() {
				continue
			}
			if a, ok := r.b.(Acceptor); ok && p != nil && !a.Accepts(p) {
				continue
			}
			return r.b
		}
	}
	return Interp{}
}

// Backends returns the registered backends, highest priority first, and
// whether each is available (nil) or why not.
func Backends() (bs []Backend, avail []error) {
	if l := registry.Load(); l != nil {
		for _, r := range *l {
			r.available()
			bs = append(bs, r.b)
			avail = append(avail, r.avail)
		}
	}
	return bs, avail
}

// BackendByName returns the registered backend called name, or a new
// dryrun backend (every step returns 0) for "dryrun".
func BackendByName(name string) (Backend, error) {
	if name == "dryrun" {
		return &DryRun{}, nil
	}
	var names []string
	if l := registry.Load(); l != nil {
		for _, r := range *l {
			if r.b.Name() == name {
				if !r.available() {
					return nil, fmt.Errorf("syschain: backend %q is not available here: %v", name, r.avail)
				}
				return r.b, nil
			}
			names = append(names, r.b.Name())
		}
	}
	names = append(names, "dryrun")
	return nil, fmt.Errorf("syschain: no backend %q; choose one of %s", name, strings.Join(names, ", "))
}
