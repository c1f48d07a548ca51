package diskusage

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// BenchTree builds, under root, the tree the du benchmarks walk (the
// guest's, kernel/guest/du.go, and make du-bench's): dirs directories
// (three levels, ten-way) holding files files of 0-3000 bytes; every 50th file is a hard link to an earlier
// file elsewhere, every 40th a symlink, every 100th a 1 MiB sparse file.
func BenchTree(root string, dirs, files int) error {
	var ds []string
	for len(ds) < dirs {
		var d string
		switch {
		case len(ds) < 10:
			d = filepath.Join(root, fmt.Sprintf("top%d", len(ds)))
		default:
			d = filepath.Join(ds[(len(ds)-10)/10], fmt.Sprintf("sub%d", len(ds)))
		}
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
		ds = append(ds, d)
	}
	data := bytes.Repeat([]byte("syschain"), 400)
	var made []string
	for i := 0; i < files; i++ {
		p := filepath.Join(ds[i%len(ds)], fmt.Sprintf("file%d", i))
		var err error
		switch {
		case i%50 == 49 && len(made) > 0:
			err = os.Link(made[(i*7)%len(made)], p)
		case i%40 == 39:
			err = os.Symlink("../file"+strconv.Itoa(i-1), p)
		case i%100 == 99:
			var f *os.File
			if f, err = os.Create(p); err == nil {
				f.WriteAt([]byte{1}, 1<<20-1)
				err = f.Close()
			}
		default:
			err = os.WriteFile(p, data[:(i*37)%3001], 0o644)
			made = append(made, p)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
