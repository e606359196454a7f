package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"

	pg "github.com/policygraph/policygraph"
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
	fs.DurationVar(&opts.Wait, "wait", 0, "how long to wait while another load holds the database's load lease; 0 refuses at once")
	recoverOnly := fs.Bool("recover", false, "write nothing: finish the loads that were cut off (roll back, or finish committing) and exit")
	quiet := fs.Bool("quiet", false, "no progress on stderr")
	fs.Var(texts, "text", "`SOURCE_ID=PATH` of a source's full text; quotes of that source must be in it (repeatable)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: policygraph load [flags] FILE...\n       policygraph load --recover [--wait DURATION]\n\nWrites the dataset files to the Neo4j of NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE.")
		fs.PrintDefaults()
	}
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if fs.NArg() == 0 && !*recoverOnly || fs.NArg() > 0 && *recoverOnly {
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
	if !opts.DryRun || *recoverOnly {
		var err error
		cfg := neo4j.ConfigFromEnv()
		if target, err = neo4j.OpenWriter(ctx, cfg); err != nil {
			fmt.Fprintln(stderr, "policygraph load:", err)
			return 1
		}
		defer closeStore(ctx, target)
	}
	if *recoverOnly {
		return runRecover(ctx, target, opts, stdout, stderr)
	}
	res, err := loader.Load(ctx, target, files, opts)
	var problems *dataset.Problems
	var busy *pg.LoadBusyError
	var lerr *loader.Error
	switch {
	case errors.As(err, &problems):
		fmt.Fprintln(stderr, problems.Error())
		fmt.Fprintln(stderr, "nothing was written")
		return 1
	case errors.As(err, &busy):
		fmt.Fprintln(stderr, "policygraph load:", err)
		fmt.Fprintln(stderr, "nothing was written: wait for that load with --wait DURATION, or, if its process is gone, run again after its lease expires")
		return 1
	case errors.As(err, &lerr):
		fmt.Fprintln(stderr, "policygraph load:", err)
		fmt.Fprintln(stderr, outcome(lerr))
		return 1
	case err != nil:
		fmt.Fprintln(stderr, "policygraph load:", err)
		fmt.Fprintln(stderr, "nothing was written")
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

// outcome tells, for a failed load, what state the database is in and
// how to finish.
func outcome(e *loader.Error) string {
	switch e.Outcome {
	case loader.RolledBack:
		return "nothing was written: the load's committed batches were rolled back"
	case loader.NotRolledBack:
		if errors.Is(e.Err, pg.ErrLeaseLost) {
			return fmt.Sprintf("the load was NOT rolled back here: it lost its lease, and the process that holds the lease now rolls load %s back "+
				"(or run `policygraph load --recover --wait 1m`); readers never saw it", e.LoadID)
		}
		return fmt.Sprintf("the load was NOT rolled back: what load %s staged is still in the database (nodes labelled _Staged and _Shadow, "+
			"its _Load record), invisible to readers, who see the graph as it was before the load; "+
			"run `policygraph load --recover --wait 1m` (or any next load) to remove it", e.LoadID)
	case loader.CommitUnfinished:
		return fmt.Sprintf("load %s is committed but was cut off while applying it: readers may see part of it; "+
			"run `policygraph load --recover --wait 1m` (or any next load) to finish applying it", e.LoadID)
	default:
		return "nothing was written"
	}
}

// runRecover finishes the loads that were cut off.
func runRecover(ctx context.Context, target *neo4j.Store, opts loader.Options, stdout, stderr io.Writer) int {
	recovered, err := loader.Recover(ctx, target, opts)
	for _, r := range recovered {
		what := "rolled back"
		if r.Committed {
			what = "finished committing"
		}
		fmt.Fprintf(stdout, "load %s (%s): %s\n", r.ID, r.Owner, what)
	}
	if err != nil {
		fmt.Fprintln(stderr, "policygraph load --recover:", err)
		var busy *pg.LoadBusyError
		if errors.As(err, &busy) {
			fmt.Fprintln(stderr, "that load is alive: wait for it with --wait DURATION")
		} else {
			fmt.Fprintln(stderr, "recovery is not complete; run it again")
		}
		return 1
	}
	if len(recovered) == 0 {
		fmt.Fprintln(stdout, "no unfinished loads")
	}
	return 0
}
