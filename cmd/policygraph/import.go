package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/policygraph/policygraph/dataset"
	"github.com/policygraph/policygraph/loader"
	"github.com/policygraph/policygraph/store/neo4j"
)

// runImport builds a new database with Neo4j's offline importer: validate,
// write CSV, import, then the schema. For the bundled Neo4j it does all of
// it; for any other it writes the CSV and says what to run.
func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	texts := textFlag{}
	fs.Var(texts, "text", "`SOURCE_ID=PATH` of a source's full text; quotes of that source must be in it (repeatable)")
	csvDir := fs.String("csv-dir", "", "write the CSV files into `DIR` and keep them (default: a temporary directory, removed after a bundled import)")
	csvOnly := fs.Bool("csv-only", false, "only write the CSV files and print the neo4j-admin command, whatever NEO4J_URI is")
	finish := fs.String("finish", "", "after importing the CSV of `DIR` yourself: create the schema and the empty lists in the Neo4j of NEO4J_URI")
	script := fs.String("neo4j-script", "scripts/neo4j", "the bundled Neo4j's control script")
	indexWait := fs.Duration("index-wait", 30*time.Minute, "how long to wait for the indexes to come online")
	quiet := fs.Bool("quiet", false, "no progress on stderr")
	fs.Usage = func() {
		fmt.Fprintln(stderr, `usage: policygraph import [flags] FILE...
       policygraph import --finish DIR

Builds a NEW database from the dataset files with Neo4j's offline importer,
much faster than load. Validation is load's. When NEO4J_URI is the bundled
Neo4j (scripts/neo4j), it replaces everything that instance holds: stop,
import, start, schema. For any other Neo4j it writes the CSV files and
prints the neo4j-admin command to run where that Neo4j lives, and the
--finish step for after it.`)
		fs.PrintDefaults()
	}
	if code, ok := parse(fs, args); !ok {
		return code
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	cfg := neo4j.ConfigFromEnv()
	if *finish != "" {
		if fs.NArg() > 0 {
			fs.Usage()
			return 2
		}
		b, err := neo4j.ReadBulkImport(*finish)
		if err == nil {
			err = finishImport(ctx, cfg, b, *indexWait)
		}
		if err != nil {
			fmt.Fprintln(stderr, "policygraph import:", err)
			return 1
		}
		fmt.Fprintf(stdout, "import %s finished: empty lists set, schema online\n", b.LoadID)
		return 0
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	bundled := false
	if !*csvOnly {
		var err error
		if bundled, err = isBundled(ctx, *script, cfg.URI); err != nil {
			fmt.Fprintln(stderr, "policygraph import:", err)
			return 1
		}
	}
	dir := *csvDir
	if dir == "" {
		if !bundled {
			dir = "import-csv"
		} else {
			tmp, err := os.MkdirTemp("", "policygraph-import-")
			if err != nil {
				fmt.Fprintln(stderr, "policygraph import:", err)
				return 1
			}
			defer func() { _ = os.RemoveAll(tmp) }() // a temporary directory: best effort
			dir = tmp
		}
	}

	start := time.Now()
	id := loader.NewLoadID(start)
	w, err := neo4j.NewCSVWriter(dir, id)
	if err != nil {
		fmt.Fprintln(stderr, "policygraph import:", err)
		return 1
	}
	opts := loader.Options{Texts: texts, Logger: logger}
	if !*quiet {
		opts.Progress = stderr
	}
	_, err = loader.Import(ctx, w, dataset.Paths(fs.Args()...), opts)
	b, cerr := w.Close()
	var problems *dataset.Problems
	switch {
	case errors.As(err, &problems):
		fmt.Fprintln(stderr, problems.Error())
		fmt.Fprintln(stderr, "nothing was imported")
		return 1
	case err == nil && cerr != nil:
		err = cerr
		fallthrough
	case err != nil:
		fmt.Fprintln(stderr, "policygraph import:", err)
		fmt.Fprintln(stderr, "nothing was imported")
		return 1
	}
	csvTime := time.Since(start)
	fmt.Fprintf(stderr, "import %s: %d nodes, %d relationships written as CSV to %s in %.1fs\n",
		id, b.NodeCount(), b.RelationshipCount(), b.Dir, csvTime.Seconds())

	if !bundled {
		fmt.Fprintf(stdout, `CSV written to %s. On the machine of the target Neo4j, with the DBMS stopped and
the database empty or absent (add --overwrite-destination=true to replace it):

  neo4j-admin database import full %s %s

then start Neo4j (CREATE DATABASE it if it is new) and, with NEO4J_URI pointing at it:

  policygraph import --finish %s
`, b.Dir, shellJoin(b.AdminArgs()), cfg.Database, b.Dir)
		return 0
	}

	t1 := time.Now()
	cmd := exec.CommandContext(ctx, *script, append([]string{"import"}, b.AdminArgs()...)...)
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintf(stderr, "policygraph import: %s import: %v\n", *script, err)
		return 1
	}
	importTime := time.Since(t1)
	t2 := time.Now()
	var listTime time.Duration
	err = func() error {
		st, err := neo4j.OpenWriter(ctx, cfg)
		if err != nil {
			return err
		}
		defer closeStore(ctx, st)
		if err := st.SetEmptyLists(ctx, b); err != nil {
			return err
		}
		listTime = time.Since(t2)
		return st.CreateSchema(ctx, *indexWait)
	}()
	if err != nil {
		fmt.Fprintln(stderr, "policygraph import:", err)
		return 1
	}
	total := time.Since(start)
	records := b.NodeCount() + b.RelationshipCount()
	fmt.Fprintf(stdout, "import %s: %d nodes, %d relationships; validate+CSV %.1fs, import+restart %.1fs, schema %.1fs (empty lists %.1fs); %d records in %.1fs (%.0f records/s)\n",
		id, b.NodeCount(), b.RelationshipCount(), csvTime.Seconds(), importTime.Seconds(), time.Since(t2).Seconds(), listTime.Seconds(),
		records, total.Seconds(), float64(records)/max(total.Seconds(), 1e-9))
	return 0
}

// finishImport connects and completes an imported database.
func finishImport(ctx context.Context, cfg neo4j.Config, b *neo4j.BulkImport, wait time.Duration) error {
	st, err := neo4j.OpenWriter(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeStore(ctx, st)
	return st.FinishImport(ctx, b, wait)
}

// isBundled reports whether uri is the Neo4j that script runs, by the URI
// its env command prints for the same environment.
func isBundled(ctx context.Context, script, uri string) (bool, error) {
	if _, err := os.Stat(script); err != nil {
		return false, nil // not in a checkout: any Neo4j is external
	}
	out, err := exec.CommandContext(ctx, script, "env").Output()
	if err != nil {
		return false, fmt.Errorf("%s env: %w", script, err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "export NEO4J_URI="); ok {
			return strings.Trim(v, `'"`) == uri, nil
		}
	}
	return false, nil
}

// shellJoin quotes args for a POSIX shell where they need it.
func shellJoin(args []string) string {
	var b bytes.Buffer
	for i, a := range args {
		if i > 0 {
			b.WriteByte(' ')
		}
		if strings.ContainsAny(a, " '\"\\$`!*?;&|<>()[]{}\t\n") {
			b.WriteString("'" + strings.ReplaceAll(a, "'", `'\''`) + "'")
		} else {
			b.WriteString(a)
		}
	}
	return b.String()
}
