package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestHelpExitsZero: asking for help is no error, for the program and for
// every command; a bad command or flag still exits 2.
func TestHelpExitsZero(t *testing.T) {
	var cases [][]string
	for _, h := range []string{"help", "-h", "--help"} {
		cases = append(cases, []string{h})
	}
	for _, c := range commands() {
		if c.name != "version" {
			cases = append(cases, []string{c.name, "-h"}, []string{c.name, "--help"})
		}
	}
	for _, args := range cases {
		var stdout, stderr bytes.Buffer
		if code := run(t.Context(), args, &stdout, &stderr); code != 0 {
			t.Errorf("policygraph %s: exit %d, want 0\n%s", strings.Join(args, " "), code, stderr.String())
		}
		if !strings.Contains(stderr.String(), "usage:") {
			t.Errorf("policygraph %s prints no usage:\n%s", strings.Join(args, " "), stderr.String())
		}
	}
	for _, args := range [][]string{nil, {"nope"}, {"load", "--nope"}, {"serve", "--nope"}} {
		var out bytes.Buffer
		if code := run(t.Context(), args, &out, &out); code != 2 {
			t.Errorf("policygraph %s: exit %d, want 2", strings.Join(args, " "), code)
		}
	}
}

// TestServeHelpNamesItsArguments: a backquoted word in a flag's text names
// the flag's argument in -h, so the text must not quote anything else.
func TestServeHelpNamesItsArguments(t *testing.T) {
	var out bytes.Buffer
	run(t.Context(), []string{"serve", "-h"}, &out, &out)
	if strings.Contains(out.String(), "-max-page-size first") {
		t.Errorf("serve -h shows -max-page-size taking a \"first\":\n%s", out.String())
	}
}

// TestDryRunOfMissingFile: a dry run that cannot read its file says that
// nothing was written, and claims no rollback.
func TestDryRunOfMissingFile(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(t.Context(), []string{"load", "--dry-run", "--quiet", t.TempDir() + "/missing.yaml"}, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "missing.yaml") ||
		!strings.Contains(stderr.String(), "nothing was written") || strings.Contains(stderr.String(), "rolled back") {
		t.Errorf("load --dry-run of a missing file: exit %d\n%s", code, stderr.String())
	}
}
