package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/policygraph/policygraph/server/auth"
)

// runApikey makes a new API key. The key is printed once and never stored:
// the key file keeps only its hash.
func runApikey(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("apikey", flag.ContinueOnError)
	fl.SetOutput(stderr)
	appendTo := fl.String("append", "", "add the key's line to this key `FILE` (created 0600 if absent) and print only the key")
	fl.Usage = func() {
		fmt.Fprintln(stderr, `usage: policygraph apikey [--append FILE] NAME

Prints a new random API key, then the line of the key file (serve
--api-keys) that accepts it: NAME:SHA-256. NAME is what the access log
and the rate limiter call the client. The key is shown only once.`)
		fl.PrintDefaults()
	}
	if code, ok := parse(fl, args); !ok {
		return code
	}
	if fl.NArg() != 1 {
		fl.Usage()
		return 2
	}
	name := fl.Arg(0)
	key, line, err := auth.NewKey(name)
	if err != nil {
		fmt.Fprintln(stderr, "policygraph apikey:", err)
		return 2
	}
	if *appendTo == "" {
		fmt.Fprintln(stdout, key)
		fmt.Fprintln(stdout, line)
		fmt.Fprintln(stderr, "policygraph apikey: give the client the first line (it is not stored anywhere); add the second to the --api-keys file")
		return 0
	}
	if err := appendKeyLine(*appendTo, line); err != nil {
		fmt.Fprintln(stderr, "policygraph apikey:", err)
		return 1
	}
	fmt.Fprintln(stdout, key)
	fmt.Fprintf(stderr, "policygraph apikey: added %q to %s; serve reads the file when it starts\n", name, *appendTo)
	return 0
}

// appendKeyLine adds line to the key file at path, refusing a name that
// the file already has, so that the file stays one serve accepts.
func appendKeyLine(path, line string) error {
	old, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return err
	default:
		// The file as it will be: a name it already has is refused
		// (":5: key name "ci" is also on line 2"), as is a broken file.
		if _, err := auth.ParseKeys(bytes.NewReader(append(old, []byte("\n"+line+"\n")...))); err != nil {
			return fmt.Errorf("%s%w", path, err)
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if len(old) > 0 && old[len(old)-1] != '\n' {
		line = "\n" + line
	}
	if _, err := f.WriteString(line + "\n"); err != nil {
		_ = f.Close() // the write's error is the one to report
		return err
	}
	return f.Close()
}
