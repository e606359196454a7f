package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/policygraph/policygraph/dataset"
	"github.com/policygraph/policygraph/loader"
	"github.com/policygraph/policygraph/store/neo4j"
)

func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opts loader.Options
	texts := textFlag{}
	fs.IntVar(&opts.BatchSize, "batch-size", 20000, "records written per batch")
	fs.IntVar(&opts.AtomicLimit, "atomic-limit", 100_000, "loads of up to this many records are one transaction; larger ones are staged")
	fs.BoolVar(&opts.DryRun, "dry-run", false, "validate and report what would be written, write nothing")
	quiet := fs.Bool("quiet", false, "no progress on stderr")
	fs.Var(texts, "text", "`SOURCE_ID=PATH` of a source's full text; quotes of that source must be in it (repeatable)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: policygraph load [flags] FILE...\n\nWrites the dataset files to the Neo4j of NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	opts.Texts = texts
	opts.Logger = slog.New(slog.NewTextHandler(stderr, nil))
	if !*quiet {
		opts.Progress = stderr
	}
	files := dataset.Paths(fs.Args()...)

	var target *neo4j.Store
	if !opts.DryRun {
		var err error
		cfg := neo4j.ConfigFromEnv()
		if target, err = neo4j.Open(ctx, cfg); err != nil {
			fmt.Fprintln(stderr, "policygraph load:", err)
			return 1
		}
		defer target.Close(context.WithoutCancel(ctx))
	}
	res, err := loader.Load(ctx, target, files, opts)
	var problems *dataset.Problems
	switch {
	case errors.As(err, &problems):
		fmt.Fprintln(stderr, problems.Error())
		fmt.Fprintln(stderr, "nothing was written")
		return 1
	case err != nil:
		fmt.Fprintln(stderr, "policygraph load:", err)
		fmt.Fprintln(stderr, "nothing was written: the load was rolled back")
		return 1
	}
	sum := res.Summary
	if opts.DryRun {
		fmt.Fprintf(stdout, "dry run: would write %d source(s), %d entities and %d relationships; nothing was written\n",
			sum.Sources, total(sum.Entities), total(sum.Relationships))
		return 0
	}
	c := res.Counts
	secs := res.Duration.Seconds()
	fmt.Fprintf(stdout, "load %s: nodes %d created, %d updated; relationships %d created, %d updated; %d records in %.1fs (%.0f records/s)\n",
		res.LoadID, c.NodesCreated, c.NodesUpdated, c.RelationshipsCreated, c.RelationshipsUpdated,
		res.Records, secs, float64(res.Records)/max(secs, 1e-9))
	return 0
}
