package tablegen

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// ExtractTarball extracts the parts of a Linux source tarball (Debian's
// /usr/src/linux-source-*.tar.xz: one top directory) that the generator
// reads into dir, and returns the extracted tree's root. It runs tar,
// which decompresses with xz.
func ExtractTarball(tarball, dir string) (string, error) {
	if _, err := os.Stat(tarball); err != nil {
		return "", fmt.Errorf("kernel tarball: %v (install it with: apt-get install linux-source)", err)
	}
	args := []string{"-xf", tarball, "-C", dir, "--strip-components=1", "--wildcards", "--no-wildcards-match-slash"}
	for _, p := range SourcePaths() {
		args = append(args, "*/"+p)
	}
	cmd := exec.Command("tar", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("extracting %s: %v: %s (a truncated or non-Linux tarball?)", tarball, err, strings.TrimSpace(lastLines(stderr.String(), 5)))
	}
	if _, err := checkTree(dir, Targets); err != nil {
		return "", fmt.Errorf("extracting %s: %v", filepath.Base(tarball), err)
	}
	return dir, nil
}

func lastLines(s string, n int) string {
	l := strings.Split(strings.TrimSpace(s), "\n")
	if len(l) > n {
		l = l[len(l)-n:]
	}
	return strings.Join(l, "\n")
}
