// Command benchvalidate measures what `policygraph validate` costs in peak
// resident memory (the child's maximum RSS from getrusage) and time on
// inputs that have cost too much before: a large graph in order and with
// every relationship before the entities it joins, a 20 MB YAML file, and a
// JSON Lines file whose one line is 50 MB; and a YAML file of 8 MB, under
// the limit on a YAML file's size.
//
//	go build -o .bench/policygraph ./cmd/policygraph
//	go run ./scripts/benchvalidate -bin .bench/policygraph -dir .bench
//
// The inputs are generated into -dir once and reused.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/policygraph/policygraph/gen"
)

func main() {
	bin := flag.String("bin", ".bench/policygraph", "the policygraph binary to measure")
	dir := flag.String("dir", ".bench", "where the inputs are generated and kept")
	nodes := flag.Int("nodes", 100_000, "entities of the large graph")
	rels := flag.Int("relationships", 300_000, "relationships of the large graph")
	yamlMB := flag.Int("yaml-mb", 20, "approximate size of the YAML file, MB")
	lineMB := flag.Int("line-mb", 50, "size of the one long JSON Lines line, MB")
	genOnly := flag.Bool("gen", false, "only generate the inputs")
	flag.Parse()
	if !*genOnly {
		// A child's maximum RSS counts the parent's pages until it execs,
		// so a parent that has just generated the inputs inflates it: the
		// inputs are made by a separate run with -gen.
		cmd := exec.Command(os.Args[0], append([]string{"-gen"}, os.Args[1:]...)...)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "benchvalidate: generate:", err)
			os.Exit(1)
		}
	}
	if err := run(*bin, *dir, *nodes, *rels, *yamlMB, *lineMB, *genOnly); err != nil {
		fmt.Fprintln(os.Stderr, "benchvalidate:", err)
		os.Exit(1)
	}
}

func run(bin, dir string, nodes, rels, yamlMB, lineMB int, genOnly bool) error {
	ctx := context.Background()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	inOrder := filepath.Join(dir, fmt.Sprintf("validate-n%d-r%d.jsonl", nodes, rels))
	if err := once(inOrder, func(w io.Writer) error {
		_, err := gen.Generate(ctx, w, gen.Config{Nodes: nodes, Relationships: rels, Seed: 1})
		return err
	}); err != nil {
		return err
	}
	relsFirst := filepath.Join(dir, fmt.Sprintf("validate-n%d-r%d-rels-first.jsonl", nodes, rels))
	if err := once(relsFirst, func(w io.Writer) error { return relationshipsFirst(inOrder, w) }); err != nil {
		return err
	}
	// About 800 bytes of YAML per generated entity with its share of
	// relationships.
	yamlFile := filepath.Join(dir, fmt.Sprintf("validate-%dmb.yaml", yamlMB))
	if err := once(yamlFile, func(w io.Writer) error { return toYAML(ctx, yamlMB*1000, w) }); err != nil {
		return err
	}
	// A YAML file just under dataset.MaxYAMLFile, which is read.
	yamlAtLimit := filepath.Join(dir, "validate-8mb.yaml")
	if err := once(yamlAtLimit, func(w io.Writer) error { return toYAML(ctx, 8000, w) }); err != nil {
		return err
	}
	longLine := filepath.Join(dir, fmt.Sprintf("validate-line-%dmb.jsonl", lineMB))
	if err := once(longLine, func(w io.Writer) error {
		_, err := fmt.Fprintf(w, `{"entity": {"id": "person/x", "kind": "Person", "name": "X", "description": "%s"}}`+"\n",
			strings.Repeat("a", lineMB<<20))
		return err
	}); err != nil {
		return err
	}
	if genOnly {
		return nil
	}
	fmt.Printf("%-44s %10s %8s %6s %6s  %s\n", "input", "size", "peak RSS", "wall", "CPU", "result")
	for _, f := range []string{inOrder, relsFirst, yamlFile, yamlAtLimit, longLine} {
		if err := measure(bin, f); err != nil {
			return err
		}
	}
	return nil
}

// once writes path with write unless it already exists.
func once(path string, write func(io.Writer) error) error {
	if fi, err := os.Stat(path); err == nil && fi.Size() > 0 {
		return nil
	}
	f, err := os.Create(path + ".tmp")
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	err = write(bw)
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path + ".tmp") // best effort: err says what went wrong
		return fmt.Errorf("generate %s: %w", path, err)
	}
	return os.Rename(path+".tmp", path)
}

// relationshipsFirst copies a JSON Lines file with its relationship lines
// first, so that every reference is to an ID defined later.
func relationshipsFirst(in string, w io.Writer) error {
	for _, rel := range []bool{true, false} {
		f, err := os.Open(in)
		if err != nil {
			return err
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<26)
		for sc.Scan() {
			if bytes.HasPrefix(sc.Bytes(), []byte(`{"relationship"`)) == rel {
				// w's error is sticky and reported by its Flush.
				_, _ = w.Write(sc.Bytes())
				_, _ = w.Write([]byte("\n"))
			}
		}
		_ = f.Close() // read only
		if err := sc.Err(); err != nil {
			return err
		}
	}
	return nil
}

// toYAML writes a generated graph of about kb kilobytes as one YAML file in
// block style, as a curated file is written.
func toYAML(ctx context.Context, kb int, w io.Writer) error {
	var buf bytes.Buffer
	nodes := kb * 1000 / 800
	if _, err := gen.Generate(ctx, &buf, gen.Config{Nodes: nodes, Relationships: 3 * nodes, Seed: 1}); err != nil {
		return err
	}
	var doc struct {
		Sources       []map[string]any `yaml:"sources"`
		Entities      []map[string]any `yaml:"entities"`
		Relationships []map[string]any `yaml:"relationships"`
	}
	for line := range bytes.Lines(buf.Bytes()) {
		var rec map[string]map[string]any
		if err := json.Unmarshal(line, &rec); err != nil {
			return err
		}
		switch {
		case rec["source"] != nil:
			doc.Sources = append(doc.Sources, rec["source"])
		case rec["entity"] != nil:
			doc.Entities = append(doc.Entities, rec["entity"])
		case rec["relationship"] != nil:
			doc.Relationships = append(doc.Relationships, rec["relationship"])
		}
	}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return err
	}
	return enc.Close()
}

// measure runs `bin validate path` and prints its peak RSS, time and the
// first line of its verdict.
func measure(bin, path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	cmd := exec.Command(bin, "validate", path)
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err = cmd.Run()
	elapsed := time.Since(start)
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return fmt.Errorf("run %s: %w", bin, err)
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return errors.New("no rusage on this system")
	}
	verdict := out.String()
	if i := strings.IndexByte(verdict, '\n'); i >= 0 {
		if rest := strings.TrimSpace(verdict[i+1:]); rest != "" {
			first, _, _ := strings.Cut(rest, "\n")
			verdict = verdict[:i] + " — " + first
		} else {
			verdict = verdict[:i]
		}
	}
	if len(verdict) > 160 {
		verdict = verdict[:160] + "…"
	}
	// CPU time (user and system) is the figure to compare on a shared
	// machine, where the wall time depends on the neighbours.
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	fmt.Printf("%-44s %8.1fMB %6dMB %5.1fs %5.1fs  exit %d: %s\n", filepath.Base(path), float64(fi.Size())/1e6,
		ru.Maxrss/1024, elapsed.Seconds(), cpu.Seconds(), cmd.ProcessState.ExitCode(), verdict)
	return nil
}
