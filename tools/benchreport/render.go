package main

import (
	"fmt"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// save renders c as SVG (by the file's extension; .png works too) and
// writes it atomically: a temporary file renamed into place.
func (c chart) save(path string) error {
	p := plot.New()
	p.Title.Text = c.title
	p.X.Label.Text = c.xlabel
	p.Y.Label.Text = c.ylabel
	w, h := 7*vg.Inch, 4*vg.Inch
	switch {
	case len(c.lines) > 0:
		if c.logX {
			p.X.Scale = plot.LogScale{}
			p.X.Tick.Marker = plot.LogTicks{Prec: -1}
		}
		p.Y.Min = 0
		p.Legend.Top = true
		maxy := 0.0
		for _, s := range c.lines {
			for _, y := range s.y {
				maxy = max(maxy, y)
			}
		}
		p.Y.Max = maxy * 1.6 // room for the legend
		for i, s := range c.lines {
			xy := make(plotter.XYs, len(s.x))
			for j := range s.x {
				xy[j].X, xy[j].Y = s.x[j], s.y[j]
			}
			l, pts, err := plotter.NewLinePoints(xy)
			if err != nil {
				return fmt.Errorf("%s: %w", c.title, err)
			}
			l.Color = plotutil.Color(i)
			l.Dashes = plotutil.Dashes(i)
			pts.Color = plotutil.Color(i)
			pts.Shape = plotutil.Shape(i)
			p.Add(l, pts)
			p.Legend.Add(s.name, l, pts)
		}
		p.Add(plotter.NewGrid())
	case len(c.bars) > 0:
		// Horizontal bars: the labels are long. One bar chart per group,
		// offset so a group's bars sit side by side.
		var groups []string
		seen := map[string]bool{}
		for _, b := range c.bars {
			if !seen[b.group] {
				seen[b.group] = true
				groups = append(groups, b.group)
			}
		}
		// Rows: one per distinct label within the first group, in order.
		var labels []string
		row := map[string]int{}
		for _, b := range c.bars {
			key := barKey(b)
			if _, ok := row[key]; !ok {
				row[key] = len(labels)
				labels = append(labels, key)
			}
		}
		// NominalY puts row 0 at the bottom; list the first row on top.
		names := make([]string, len(labels))
		for i, l := range labels {
			names[len(labels)-1-i] = l
		}
		width := vg.Points(11)
		for gi, g := range groups {
			vals := make(plotter.Values, len(labels))
			for _, b := range c.bars {
				if b.group == g {
					vals[len(labels)-1-row[barKey(b)]] = b.v
				}
			}
			bc, err := plotter.NewBarChart(vals, width)
			if err != nil {
				return fmt.Errorf("%s: %w", c.title, err)
			}
			bc.Horizontal = true
			bc.LineStyle.Width = 0
			bc.Color = plotutil.Color(gi)
			bc.Offset = width * (vg.Length(gi) - vg.Length(len(groups)-1)/2)
			p.Add(bc)
			if g != "" {
				p.Legend.Add(g, bc)
			}
		}
		p.Legend.Top = true
		p.X.Label.Text, p.Y.Label.Text = c.ylabel, ""
		p.X.Min = 0
		maxv := 0.0
		for _, b := range c.bars {
			maxv = max(maxv, b.v)
		}
		p.X.Max = maxv * 1.3 // room for the legend
		p.NominalY(names...)
		p.Add(plotter.NewGrid())
		h = vg.Length(len(labels))*vg.Points(float64(14+12*len(groups))) + vg.Inch
	}
	wt, err := p.WriterTo(w, h, filepath.Ext(path)[1:])
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".benchreport-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := wt.WriteTo(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	os.Chmod(tmp.Name(), 0o644)
	return os.Rename(tmp.Name(), path)
}

// barKey is a bar's row: its label without the ratio when bars are
// grouped (each group has its own ratios).
func barKey(b bar) string {
	if b.group == "" {
		return b.label
	}
	for i := len(b.label) - 1; i >= 0; i-- {
		if b.label[i] == ' ' {
			return b.label[:i]
		}
	}
	return b.label
}
