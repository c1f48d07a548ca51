package main

import (
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	goruntime "runtime"
	"strings"
	"testing"
)

// readmeClient turns the README's client steps (between the readme-client
// markers) into one sh script: its sh blocks as they are, and the go block
// written to the file the line before it names ("`main.go`:").
func readmeClient(t *testing.T, readme string) string {
	t.Helper()
	_, rest, ok := strings.Cut(readme, "<!-- readme-client: begin")
	section, _, ok2 := strings.Cut(rest, "<!-- readme-client: end -->")
	if !ok || !ok2 {
		t.Fatal("README.md has no readme-client begin/end markers")
	}
	var script strings.Builder
	script.WriteString("set -e\n")
	lines := strings.Split(section, "\n")
	file := ""
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if m := regexp.MustCompile("^`([a-z_]+\\.go)`:$").FindStringSubmatch(l); m != nil {
			file = m[1]
			continue
		}
		if l != "```sh" && l != "```go" {
			continue
		}
		lang := l
		var block []string
		for i++; i < len(lines) && lines[i] != "```"; i++ {
			block = append(block, lines[i])
		}
		if lang == "```sh" {
			script.WriteString(strings.Join(block, "\n") + "\n")
			continue
		}
		if file == "" {
			t.Fatal("a go block in the README's client steps without a `file.go`: line before it")
		}
		script.WriteString("cat > " + file + " <<'README_EOF'\n" + strings.Join(block, "\n") + "\nREADME_EOF\n")
		file = ""
	}
	return script.String()
}

// TestReadmeClient runs the README's client steps verbatim in an empty
// directory next to this checkout (reached as ../syschain, as the README
// says): a new module, the replace directive, main.go, go mod tidy, go
// generate and go run. The steps come from README.md itself, so the test
// and the README cannot drift apart.
func TestReadmeClient(t *testing.T) {
	if testing.Short() {
		t.Skip("creates a module and builds it")
	}
	root := repoRoot(t)
	readme := readFile(t, filepath.Join(root, "README.md"))
	script := readmeClient(t, readme)
	for _, want := range []string{"go mod init", "go generate", "go run .", "cat > main.go"} {
		if !strings.Contains(script, want) {
			t.Fatalf("the README's client steps lack %q:\n%s", want, script)
		}
	}
	dir := t.TempDir()
	if err := os.Symlink(root, filepath.Join(dir, "syschain")); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("sh", "-c", script)
	cmd.Dir = dir
	// The machine's go environment, as the reader's would be; only cgo is
	// off, which the steps do not need.
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "PATH="+filepath.Dir(goBin())+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the README's client steps failed: %v\n--- script\n%s--- output\n%s", err, script, out)
	}
	m := regexp.MustCompile(`(\d+) of (\d+) bytes`).FindSubmatch(out)
	if m == nil || string(m[1]) != string(m[2]) || !strings.Contains(string(out), "module example.com/hello") {
		t.Errorf("go run printed:\n%s", out)
	}
}

// goBin is the go command of the toolchain running the test.
func goBin() string { return filepath.Join(goruntime.GOROOT(), "bin", "go") }

// TestArchLeftOut: a package generated with -arch amd64 and built for
// arm64 fails with a sentence saying to add the arch, not only with
// "c.Openat undefined". The generated files replace examples/client's
// through a build overlay, so the tree is not touched.
func TestArchLeftOut(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a package")
	}
	dir := filepath.Join(repoRoot(t), "examples", "client")
	args, pkg := generateLine(t, dir)
	t.Setenv("GOPACKAGE", pkg)
	j, err := prepare(io.Discard, io.Discard, append(args, "-arch", "amd64"), dir)
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	replace := map[string]string{}
	old, _ := filepath.Glob(filepath.Join(dir, "zchain_linux*.go"))
	for _, p := range old {
		replace[p] = "" // deleted unless generated again below
	}
	for _, f := range j.files {
		p := filepath.Join(tmp, f.Name)
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		replace[filepath.Join(dir, f.Name)] = p
	}
	ov, _ := json.Marshal(map[string]map[string]string{"Replace": replace})
	ovPath := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(ovPath, ov, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, arch := range []string{"amd64", "arm64"} {
		cmd := exec.Command(goBin(), "build", "-overlay", ovPath, "-o", os.DevNull, ".")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+arch, "CGO_ENABLED=0")
		out, err := cmd.CombinedOutput()
		switch {
		case arch == "amd64" && err != nil:
			t.Errorf("the amd64 build fails: %v\n%s", err, out)
		case arch == "arm64" && (err == nil || !strings.Contains(string(out), "no syschain builder for this GOARCH: add it to -arch")):
			t.Errorf("the arm64 build: %v\n%s", err, out)
		}
	}
}
