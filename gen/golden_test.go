package gen

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/syschain/syschain/gen/xtypes"
	"github.com/syschain/syschain/tables"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ with the current output")

var (
	unixOnce  sync.Once
	unixCache *xtypes.Cache
	unixErr   error
)

// testUnix reads the module's own golang.org/x/sys/unix.
func testUnix(t testing.TB) *xtypes.Cache {
	t.Helper()
	unixOnce.Do(func() {
		var dir string
		dir, unixErr = xtypes.Locate("")
		unixCache = &xtypes.Cache{Dir: dir}
	})
	if unixErr != nil {
		t.Fatal(unixErr)
	}
	return unixCache
}

// TestGolden renders each testdata/*.txtar case: the archive holds an
// "args" section (syscall names, or "all") and linux_<goarch>.tbl tables
// in the tables file format; every other section is expected output.
// `go test ./gen -run Golden -update` rewrites the expected sections.
func TestGolden(t *testing.T) {
	paths, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no golden cases in testdata/: %v", err)
	}
	ux := testUnix(t)
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			var tas []*tables.Arch
			var inputs []txtar.File
			want := map[string][]byte{}
			for _, f := range ar.Files {
				switch {
				case f.Name == "args":
					inputs = append(inputs, f)
					if a := strings.TrimSpace(string(f.Data)); a != "all" {
						names = strings.Fields(a)
					}
				case strings.HasSuffix(f.Name, ".tbl"):
					inputs = append(inputs, f)
					ta, err := tables.Parse(path+":"+f.Name, f.Data)
					if err != nil {
						t.Fatal(err)
					}
					tas = append(tas, ta)
				default:
					want[f.Name] = f.Data
				}
			}
			sort.Slice(tas, func(i, j int) bool { return tas[i].GoArch < tas[j].GoArch })
			xs := map[string]*xtypes.Unix{}
			for _, ta := range tas {
				if xs[ta.GoArch], err = ux.Load(ta.GoArch); err != nil {
					t.Fatal(err)
				}
			}
			archs, err := Build(tas, xs)
			if err != nil {
				t.Fatal(err)
			}
			files, err := Render("golden", "zchain", "syschain-gen golden", archs, names)
			if err != nil {
				t.Fatal(err)
			}
			if *update {
				ar.Files = inputs
				for _, f := range files {
					ar.Files = append(ar.Files, txtar.File{Name: f.Name, Data: f.Data})
				}
				if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			for _, f := range files {
				w, ok := want[f.Name]
				if !ok {
					t.Errorf("output %s is not in %s (run with -update)", f.Name, path)
					continue
				}
				if !bytes.Equal(w, f.Data) {
					t.Errorf("%s differs from %s (run with -update and review the diff):\n%s", f.Name, path, firstDiff(w, f.Data))
				}
				delete(want, f.Name)
			}
			for n := range want {
				t.Errorf("%s expects %s, which was not generated (run with -update)", path, n)
			}
		})
	}
}

// firstDiff shows the first differing line of two texts.
func firstDiff(want, got []byte) string {
	wl, gl := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + itoa(i+1) + ":\n\twant: " + w + "\n\tgot:  " + g
		}
	}
	return "(same lines; different line endings?)"
}

func itoa(i int) string {
	var b []byte
	for {
		b = append([]byte{byte('0' + i%10)}, b...)
		if i /= 10; i == 0 {
			return string(b)
		}
	}
}
