// Command benchreport renders the benchmark charts of docs/ from the
// machine-readable lines the benchmarks print, "BENCH <row> <ns>":
//
//	cd tools/benchreport && go run . -out ../../docs ../../docs/bench/guest.txt ../../docs/bench/host.txt
//
// (make bench-report runs exactly that). Charts, each written only when
// its rows are present:
//
//	bench-steps.svg     ns per step vs K: rows getppid/<series>/K=<K> (the guest's comparison, kernel/guest/bench.go)
//	bench-file.svg      ns per open→read→write→close: rows file/<series>
//	bench-du-guest.svg  ms per du walk in the guest: rows du/<method> (not du/statx-*, per statx)
//	bench-du-host.svg   ms per du process on the host, per file system: rows host-<fs>/du/<method>
//	                    (median wall time) and host-<fs>/du-cpu/<method> (CPU time), from examples/du/bench.sh
//
// It is a module of its own so that gonum/plot never enters the import
// graph of the syschain module: users of runtime/ and generated/ get no
// new dependency, and the main module's go vet and go test do not see it.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// bench is one BENCH line.
type bench struct {
	row string
	ns  float64
}

// parse returns the BENCH lines of r in order; a later line for a row
// replaces an earlier one. Other lines are ignored, so a whole console
// log can be passed.
func parse(r io.Reader, name string) ([]bench, error) {
	var out []bench
	idx := map[string]int{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for line := 1; sc.Scan(); line++ {
		f := strings.Fields(sc.Text())
		if len(f) == 0 || f[0] != "BENCH" {
			continue
		}
		if len(f) != 3 {
			return nil, fmt.Errorf("%s:%d: a BENCH line is \"BENCH <row> <ns>\", got %q", name, line, sc.Text())
		}
		ns, err := strconv.ParseFloat(f[2], 64)
		if err != nil || ns < 0 {
			return nil, fmt.Errorf("%s:%d: %q is not a number of nanoseconds", name, line, f[2])
		}
		if i, ok := idx[f[1]]; ok {
			out[i].ns = ns
			continue
		}
		idx[f[1]] = len(out)
		out = append(out, bench{f[1], ns})
	}
	return out, sc.Err()
}

func main() {
	out := flag.String("out", "docs", "directory the charts are written to")
	format := flag.String("format", "svg", "svg or png")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: benchreport [-out DIR] FILE...   (files with BENCH lines)")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	var all []bench
	for _, name := range flag.Args() {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchreport:", err)
			os.Exit(1)
		}
		b, err := parse(f, name)
		f.Close()
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchreport:", err)
			os.Exit(1)
		}
		all = append(all, b...)
	}
	charts := []struct {
		file  string
		build func([]bench) (chart, bool)
	}{
		{"bench-steps.svg", stepsChart},
		{"bench-file.svg", fileChart},
		{"bench-du-guest.svg", duGuestChart},
		{"bench-du-host.svg", duHostChart},
	}
	if *format != "svg" && *format != "png" {
		fmt.Fprintln(os.Stderr, "benchreport: -format is svg or png")
		os.Exit(2)
	}
	for _, c := range charts {
		c.file = strings.TrimSuffix(c.file, ".svg") + "." + *format
		ch, ok := c.build(all)
		if !ok {
			fmt.Printf("benchreport: %s: no rows for it in the input, not written\n", c.file)
			continue
		}
		path := filepath.Join(*out, c.file)
		if err := ch.save(path); err != nil {
			fmt.Fprintln(os.Stderr, "benchreport:", err)
			os.Exit(1)
		}
		fmt.Printf("benchreport: wrote %s\n", path)
	}
}

var (
	stepRow   = regexp.MustCompile(`^getppid/([^/]+)/(?:K=)?([0-9]+)$`)
	fileRow   = regexp.MustCompile(`^file/(.+)$`)
	duRow     = regexp.MustCompile(`^du/([a-z-]+)$`)
	duHostRow = regexp.MustCompile(`^host-([a-z0-9]+)/(du|du-cpu)/(.+)$`)
)

// series is one line of a line chart: y over x, in x order.
type series struct {
	name string
	x, y []float64
}

// bar is one bar of a bar chart; group names the bar's group (one color
// per group), "" for a single group.
type bar struct {
	label, group string
	v            float64
}

// chart is a model of one chart, rendered by save (render.go).
type chart struct {
	title, xlabel, ylabel string
	logX                  bool
	lines                 []series
	bars                  []bar
}

func stepsChart(all []bench) (chart, bool) {
	c := chart{title: "K getppid: ns per call or step vs K", xlabel: "K (steps per chain, calls per loop)", ylabel: "ns per step", logX: true}
	by := map[string]int{}
	for _, b := range all {
		m := stepRow.FindStringSubmatch(b.row)
		if m == nil {
			continue
		}
		k, _ := strconv.Atoi(m[2])
		i, ok := by[m[1]]
		if !ok {
			i = len(c.lines)
			by[m[1]] = i
			c.lines = append(c.lines, series{name: m[1]})
		}
		c.lines[i].x = append(c.lines[i].x, float64(k))
		c.lines[i].y = append(c.lines[i].y, b.ns)
	}
	for i := range c.lines {
		s := &c.lines[i]
		idx := make([]int, len(s.x))
		for j := range idx {
			idx[j] = j
		}
		slices.SortFunc(idx, func(a, b int) int {
			switch {
			case s.x[a] < s.x[b]:
				return -1
			case s.x[a] > s.x[b]:
				return 1
			}
			return 0
		})
		x, y := make([]float64, len(idx)), make([]float64, len(idx))
		for j, k := range idx {
			x[j], y[j] = s.x[k], s.y[k]
		}
		s.x, s.y = x, y
	}
	return c, len(c.lines) > 0
}

func fileChart(all []bench) (chart, bool) {
	c := chart{title: "open→read→write→close: ns per sequence", ylabel: "ns per sequence"}
	for _, b := range all {
		if m := fileRow.FindStringSubmatch(b.row); m != nil {
			c.bars = append(c.bars, bar{label: m[1], v: b.ns})
		}
	}
	return c, len(c.bars) > 0
}

func duGuestChart(all []bench) (chart, bool) {
	c := chart{title: "du -s in the guest: ms per walk (TCG, emulated)", ylabel: "ms per walk"}
	direct := 0.0
	for _, b := range all {
		if b.row == "du/direct" {
			direct = b.ns
		}
	}
	for _, b := range all {
		if m := duRow.FindStringSubmatch(b.row); m != nil && !strings.HasPrefix(m[1], "statx-") {
			c.bars = append(c.bars, bar{label: withRatio(m[1], direct, b.ns), v: b.ns / 1e6})
		}
	}
	return c, len(c.bars) > 0
}

func duHostChart(all []bench) (chart, bool) {
	c := chart{title: "du -s on the host, per process: median wall time and mean CPU time", ylabel: "ms per process"}
	group := func(m []string) string {
		if m[2] == "du-cpu" {
			return m[1] + " cpu"
		}
		return m[1] + " wall"
	}
	direct := map[string]float64{}
	for _, b := range all {
		if m := duHostRow.FindStringSubmatch(b.row); m != nil && m[3] == "direct" {
			direct[group(m)] = b.ns
		}
	}
	for _, b := range all {
		if m := duHostRow.FindStringSubmatch(b.row); m != nil {
			g := group(m)
			c.bars = append(c.bars, bar{label: withRatio(m[3], direct[g], b.ns), group: g, v: b.ns / 1e6})
		}
	}
	return c, len(c.bars) > 0
}

// withRatio labels a bar with how many times faster than direct it is.
func withRatio(name string, direct, ns float64) string {
	if direct == 0 || ns == 0 {
		return name
	}
	return fmt.Sprintf("%s (%.2fx)", name, direct/ns)
}
