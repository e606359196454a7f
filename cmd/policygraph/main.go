// Command policygraph loads policy knowledge graphs into Neo4j and serves
// them over GraphQL.
//
//	policygraph validate [--text SOURCE_ID=PATH]... FILE...
//	policygraph load [flags] FILE...
//	policygraph import [flags] FILE...
//	policygraph gen [flags]
//	policygraph serve [flags]
//	policygraph apikey [--append FILE] NAME
//	policygraph version
//
// Run "policygraph COMMAND -h" for a command's flags. Connection settings
// come from NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD and NEO4J_DATABASE.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"syscall"

	"github.com/policygraph/policygraph/store/neo4j"
)

// command is one subcommand: it parses its own flags and returns the exit
// code.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

func commands() []command {
	return []command{
		{"validate", "check dataset files and report every problem", runValidate},
		{"load", "validate dataset files and write them to Neo4j", runLoad},
		{"import", "build a new Neo4j database from dataset files with the offline importer", runImport},
		{"gen", "generate a synthetic policy graph as JSON Lines", runGen},
		{"serve", "serve the graph over GraphQL", runServe},
		{"apikey", "make an API key for serve --api-keys", runApikey},
		{"version", "print the version", runVersion},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmds := commands()
	if len(args) > 0 {
		i := slices.IndexFunc(cmds, func(c command) bool { return c.name == args[0] })
		if i >= 0 {
			return cmds[i].run(ctx, args[1:], stdout, stderr)
		}
	}
	help := len(args) > 0 && slices.Contains([]string{"help", "-h", "--help"}, args[0])
	if len(args) > 0 && !help {
		fmt.Fprintf(stderr, "policygraph: unknown command %q\n\n", args[0])
	}
	fmt.Fprintln(stderr, "usage: policygraph COMMAND [flags] [args]\n\ncommands:")
	for _, c := range cmds {
		fmt.Fprintf(stderr, "  %-9s %s\n", c.name, c.summary)
	}
	if help {
		return 0
	}
	return 2
}

// closeStore closes the Neo4j store at the end of a command, after its
// work has succeeded or failed for reasons of its own: the driver's close
// error (a connection already gone) changes neither.
func closeStore(ctx context.Context, st *neo4j.Store) {
	_ = st.Close(context.WithoutCancel(ctx))
}

// parse parses a command's flags. ok is false when the command should
// exit with code: 0 after -h or --help (asking for help is no error, unlike
// Go's flag convention), 2 after a bad flag, whose message fs has printed.
func parse(fs *flag.FlagSet, args []string) (code int, ok bool) {
	switch err := fs.Parse(args); {
	case errors.Is(err, flag.ErrHelp):
		return 0, false
	case err != nil:
		return 2, false
	}
	return 0, true
}

func runVersion(_ context.Context, _ []string, stdout, _ io.Writer) int {
	fmt.Fprintln(stdout, "policygraph", version())
	return 0
}

// version is the module version the binary was built from, or "devel".
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}
