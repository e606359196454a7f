package main

import (
	"flag"
	"slices"
	"testing"
	"time"
)

func TestServeFlagsFromEnv(t *testing.T) {
	env := map[string]string{
		"POLICYGRAPH_MAX_HOPS":    "4",
		"POLICYGRAPH_TIMEOUT":     "3s",
		"POLICYGRAPH_CORS_ORIGIN": "https://a.example, https://b.example",
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	hops := fs.Int("max-hops", 6, "")
	timeout := fs.Duration("timeout", time.Second, "")
	var origins listFlag
	fs.Var(&origins, "cors-origin", "")
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	if err := setFromEnv(fs, lookup); err != nil {
		t.Fatal(err)
	}
	if err := fs.Parse([]string{"--max-hops", "5"}); err != nil { // the command line wins
		t.Fatal(err)
	}
	if *hops != 5 || *timeout != 3*time.Second || !slices.Equal(origins, []string{"https://a.example", "https://b.example"}) {
		t.Errorf("hops %d, timeout %s, origins %q", *hops, *timeout, origins)
	}

	env["POLICYGRAPH_MAX_HOPS"] = "many"
	if err := setFromEnv(fs, lookup); err == nil {
		t.Error("a bad value from the environment was accepted")
	}
}
