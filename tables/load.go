package tables

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

// The generated tables. A missing arch is a build-time fact (the embed
// pattern needs at least one match), so GoArches lists what is present.
//
//go:embed linux_*.tbl
var files embed.FS

// Load reads the embedded table for a GOARCH ("amd64", "arm", ...).
// Every call parses afresh and returns a value the caller owns.
func Load(goarch string) (*Arch, error) {
	name := "linux_" + goarch + ".tbl"
	data, err := files.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("tables: no table for GOARCH %q (have %s)", goarch, strings.Join(GoArches(), ", "))
	}
	a, err := Parse("tables/"+name, data)
	if err != nil {
		return nil, err
	}
	if a.GoArch != goarch {
		return nil, fmt.Errorf("tables/%s: !arch says goarch=%s", name, a.GoArch)
	}
	return a, nil
}

// GoArches lists the GOARCHes that have a table, sorted.
func GoArches() []string {
	ents, err := fs.Glob(files, "linux_*.tbl")
	if err != nil {
		panic(err) // the pattern is a constant
	}
	out := make([]string, 0, len(ents))
	for _, e := range ents {
		out = append(out, strings.TrimSuffix(strings.TrimPrefix(e, "linux_"), ".tbl"))
	}
	sort.Strings(out)
	return out
}
