package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/policygraph/policygraph/gen"
)

func runGen(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg gen.Config
	fs.IntVar(&cfg.Nodes, "nodes", 10_000, "entities to generate (sources come on top, one per 10,000)")
	fs.IntVar(&cfg.Relationships, "relationships", 30_000, "relationships to generate (MENTIONS derived from evidence come on top)")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "random seed: the same seed and sizes give the same bytes")
	out := fs.String("o", "", "output `FILE` (.jsonl); default standard output")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: policygraph gen [-nodes N] [-relationships N] [-seed S] [-o FILE]\n\nWrites a synthetic policy graph as JSON Lines, for load tests and benchmarks.")
		fs.PrintDefaults()
	}
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	start := time.Now()
	st, err := generateTo(ctx, *out, stdout, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "policygraph gen:", err)
		return 1
	}
	fmt.Fprintf(stderr, "gen: %d sources, %d entities, %d relationships (+%d MENTIONS from evidence, %d keyed), %d bytes in %.1fs\n",
		st.Sources, st.Nodes()-st.Sources, st.Rels(), st.Mentions, st.Keyed, st.Bytes, time.Since(start).Seconds())
	return 0
}

// generateTo writes the graph to the file at path, or to stdout when path
// is empty; a file left incomplete by an error is removed.
func generateTo(ctx context.Context, path string, stdout io.Writer, cfg gen.Config) (gen.Stats, error) {
	if path == "" {
		return gen.Generate(ctx, stdout, cfg)
	}
	f, err := os.Create(path)
	if err != nil {
		return gen.Stats{}, err
	}
	st, err := gen.Generate(ctx, f, cfg)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("write %s: %w", path, cerr)
	}
	if err != nil {
		_ = os.Remove(path) // best effort: err says what went wrong
	}
	return st, err
}
