// Package graphtest runs GraphQL queries against the API over any
// pg.Store and compares the responses with golden files, so that
// one set of analyst questions holds every store to the same answers.
//
// A query is a file NAME.graphql in the queries directory, with optional
// variables in NAME.vars.json; its golden response is NAME.json in the
// golden directory. Rewrite the goldens with Options.Update (the tests of
// package graph wire it to "go test -update"), then read the diff: a golden
// must be right, not merely what the code said.
package graphtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/graph"
)

// Options says where the files are and whether to rewrite the goldens.
type Options struct {
	Queries string // directory of *.graphql (and *.vars.json)
	Golden  string // directory of *.json
	Update  bool   // rewrite the goldens instead of comparing
	Config  graph.Config
}

// Run runs every query as a subtest against a fresh GraphQL handler over
// the store that newStore returns.
func Run(t *testing.T, opts Options, newStore func(t testing.TB) pg.Store) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(opts.Queries, "*.graphql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no queries in %s (%v)", opts.Queries, err)
	}
	h := graph.NewHandler(opts.Config, newStore(t), slog.New(slog.DiscardHandler))
	if opts.Update {
		if err := os.MkdirAll(opts.Golden, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".graphql")
		t.Run(name, func(t *testing.T) {
			got := Do(t, h, file)
			golden := filepath.Join(opts.Golden, name+".json")
			if opts.Update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("no golden %s: run the test with -update and check what it writes", golden)
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("response differs from %s (run with -update to rewrite, then read the diff):\n%s", golden, diff(want, got))
			}
		})
	}
}

// Do posts the query in file, with the variables of its .vars.json if any,
// and returns the response indented.
func Do(t *testing.T, h http.Handler, file string) []byte {
	t.Helper()
	query, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	req := map[string]any{"query": string(query)}
	if vars, err := os.ReadFile(strings.TrimSuffix(file, ".graphql") + ".vars.json"); err == nil {
		req["variables"] = json.RawMessage(vars)
	} else if !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	body, _ := json.Marshal(req)
	return Post(t, h, body)
}

// Post sends a GraphQL request body to h and returns the response
// indented, whatever its status.
func Post(t *testing.T, h http.Handler, body []byte) []byte {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	raw, _ := io.ReadAll(w.Result().Body)
	var out bytes.Buffer
	if err := json.Indent(&out, raw, "", "  "); err != nil {
		t.Fatalf("response is not JSON (status %d): %s", w.Code, raw)
	}
	out.WriteByte('\n')
	return out.Bytes()
}

// diff shows the first lines where want and got part.
func diff(want, got []byte) string {
	w, g := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			lo, hi := max(0, i-3), min(i+8, max(len(w), len(g)))
			var s strings.Builder
			for j := lo; j < hi; j++ {
				if j < len(w) {
					s.WriteString("- " + w[j] + "\n")
				}
			}
			for j := lo; j < hi; j++ {
				if j < len(g) {
					s.WriteString("+ " + g[j] + "\n")
				}
			}
			return "line " + strconv.Itoa(i+1) + ":\n" + s.String()
		}
	}
	return ""
}
