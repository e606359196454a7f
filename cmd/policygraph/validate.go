package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/policygraph/policygraph/dataset"
)

func runValidate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	texts := textFlag{}
	fs.Var(texts, "text", "`SOURCE_ID=PATH` of a source's full text; quotes of that source must be in it (repeatable)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: policygraph validate [--text SOURCE_ID=PATH]... FILE...")
		fs.PrintDefaults()
	}
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	sum, err := dataset.Check(ctx, dataset.Paths(fs.Args()...), dataset.Options{Texts: texts})
	var problems *dataset.Problems
	switch {
	case errors.As(err, &problems):
		fmt.Fprintln(stderr, problems.Error())
		return 1
	case err != nil:
		fmt.Fprintln(stderr, "policygraph validate:", err)
		return 1
	}
	fmt.Fprintf(stdout, "ok: %d source(s), %d entities, %d relationships\n",
		sum.Sources, total(sum.Entities), total(sum.Relationships))
	return 0
}

// textFlag collects --text SOURCE_ID=PATH flags, reading each file.
type textFlag map[string]string

func (t textFlag) String() string { return "" }

func (t textFlag) Set(v string) error {
	id, path, ok := strings.Cut(v, "=")
	if !ok || id == "" || path == "" {
		return fmt.Errorf("want SOURCE_ID=PATH, not %q", v)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	t[id] = string(b)
	return nil
}

func total[K comparable](m map[K]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
