package tablegen

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/syschain/syschain/tables"
)

// Render returns each arch's file content, keyed by file name
// (linux_<goarch>.tbl).
func (r *Result) Render() (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, a := range r.Arches {
		var b bytes.Buffer
		if err := tables.Format(&b, a, r.Headers[a.GoArch]); err != nil {
			return nil, err
		}
		// What is written must read back: a generator bug surfaces here,
		// not in every program that loads the table.
		name := "linux_" + a.GoArch + ".tbl"
		if _, err := tables.Parse(name, b.Bytes()); err != nil {
			return nil, fmt.Errorf("generated table does not parse: %v", err)
		}
		out[name] = b.Bytes()
	}
	return out, nil
}

// Write writes every table into dir, or none: all files are rendered and
// written to temporary files first, and only when all of that succeeded
// are they renamed into place. It returns the names of files whose
// content changed.
func (r *Result) Write(dir string) ([]string, error) {
	files, err := r.Render()
	if err != nil {
		return nil, err
	}
	type pending struct{ tmp, final string }
	var todo []pending
	cleanup := func() {
		for _, p := range todo {
			os.Remove(p.tmp)
		}
	}
	var changed []string
	for _, a := range r.Arches {
		name := "linux_" + a.GoArch + ".tbl"
		final := filepath.Join(dir, name)
		if st, err := os.Lstat(final); err == nil && !st.Mode().IsRegular() {
			cleanup()
			return nil, fmt.Errorf("writing tables: %s exists and is not a regular file (nothing was changed)", final)
		}
		if old, err := os.ReadFile(final); err == nil && bytes.Equal(old, files[name]) {
			continue
		}
		f, err := os.CreateTemp(dir, "."+name+".tmp-*")
		if err != nil {
			cleanup()
			return nil, fmt.Errorf("writing tables: %v (nothing was changed)", err)
		}
		todo = append(todo, pending{f.Name(), final})
		_, werr := f.Write(files[name])
		cerr := f.Close()
		if werr == nil {
			werr = cerr
		}
		if werr == nil {
			werr = os.Chmod(f.Name(), 0o644)
		}
		if werr != nil {
			cleanup()
			return nil, fmt.Errorf("writing %s: %v (nothing was changed)", final, werr)
		}
		changed = append(changed, name)
	}
	for i, p := range todo {
		if err := os.Rename(p.tmp, p.final); err != nil {
			// Renames within one directory do not fail in practice; if
			// one does, say exactly what state the directory is in.
			for _, q := range todo[i:] {
				os.Remove(q.tmp)
			}
			return nil, fmt.Errorf("renaming %s: %v (%d of %d tables were replaced; rerun)", p.final, err, i, len(todo))
		}
	}
	return changed, nil
}
