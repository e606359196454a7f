package graph_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/data"
	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/internal/pgtest"
	"github.com/policygraph/policygraph/loader"
	"github.com/policygraph/policygraph/store/neo4j"
	"github.com/policygraph/policygraph/store/neo4j/neo4jtest"
)

// The README's GraphQL examples are tests, so that it cannot drift from the
// API. The convention, which the README states under "The GraphQL API":
//
//   - Every fenced ```graphql block is read. Each operation in it is one
//     example and runs on its own, with the block's fragments.
//   - A ```json block right after a ```graphql block (blank lines between
//     allowed) holds the variables of that block's operations, an object.
//   - A curl command in a ```sh block that posts to /graphql with
//     -d '<JSON body>' is an example too: the body's query and variables.
//
// Each example must answer without errors, every top-level field non-null,
// and every list reachable from data through objects alone (not through
// the items of a list) non-empty: a filter that matches nothing fails.

// readmeExample is one GraphQL request of the README.
type readmeExample struct {
	line      int // in README.md, where the operation starts
	query     string
	variables map[string]any
}

func (e readmeExample) name() string { return fmt.Sprintf("README.md:%d", e.line) }

// fence is a fenced code block of a Markdown file.
type fence struct {
	lang string
	line int // of the first line inside the fence
	text string
}

func fences(md []byte) ([]fence, error) {
	var out []fence
	var cur *fence
	var body strings.Builder
	sc := bufio.NewScanner(bytes.NewReader(md))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if !strings.HasPrefix(strings.TrimSpace(line), "```") {
			if cur != nil {
				body.WriteString(line + "\n")
			}
			continue
		}
		if cur == nil {
			cur = &fence{lang: strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "```")), line: n + 1}
			body.Reset()
			continue
		}
		cur.text = body.String()
		out = append(out, *cur)
		cur = nil
	}
	if cur != nil {
		return nil, fmt.Errorf("line %d: a fence is not closed", cur.line-1)
	}
	return out, sc.Err()
}

// curlBody is the -d '…' argument of a curl command.
var curlBody = regexp.MustCompile(`-d\s+'([^']*)'`)

// readmeExamples extracts the examples of a README, by the convention
// above.
func readmeExamples(md []byte) ([]readmeExample, error) {
	fs, err := fences(md)
	if err != nil {
		return nil, err
	}
	// Lines between two fences, to tell whether a json block is adjacent.
	lines := strings.Split(string(md), "\n")
	adjacent := func(a, b fence) bool {
		end := a.line + strings.Count(a.text, "\n") // the closing fence's line
		for _, l := range lines[end : b.line-2] {   // lines after it, before b's opening fence
			if strings.TrimSpace(l) != "" {
				return false
			}
		}
		return true
	}
	var out []readmeExample
	for i, f := range fs {
		switch f.lang {
		case "graphql":
			var vars map[string]any
			if i+1 < len(fs) && fs[i+1].lang == "json" && adjacent(f, fs[i+1]) {
				if err := json.Unmarshal([]byte(fs[i+1].text), &vars); err != nil {
					return nil, fmt.Errorf("line %d: the variables are not a JSON object: %w", fs[i+1].line, err)
				}
			}
			ex, err := splitOperations(f, vars)
			if err != nil {
				return nil, err
			}
			out = append(out, ex...)
		case "sh", "bash", "shell":
			text := strings.ReplaceAll(f.text, "\\\n", " ") // join continued lines
			for j, l := range strings.Split(text, "\n") {
				if !strings.Contains(l, "curl") || !strings.Contains(l, "/graphql") {
					continue
				}
				m := curlBody.FindStringSubmatch(l)
				if m == nil {
					continue
				}
				var body struct {
					Query     string         `json:"query"`
					Variables map[string]any `json:"variables"`
				}
				if err := json.Unmarshal([]byte(m[1]), &body); err != nil || body.Query == "" {
					return nil, fmt.Errorf("line %d: the curl body is not a GraphQL request: %v", f.line+j, err)
				}
				out = append(out, readmeExample{line: f.line + j, query: body.Query, variables: body.Variables})
			}
		}
	}
	return out, nil
}

// splitOperations makes an example of each operation of a graphql block:
// its text (up to the next definition) and every fragment of the block.
func splitOperations(f fence, vars map[string]any) ([]readmeExample, error) {
	doc, err := parser.ParseQuery(&ast.Source{Name: "README.md", Input: f.text})
	if err != nil {
		return nil, fmt.Errorf("line %d: the graphql block does not parse: %w", f.line, err)
	}
	type def struct {
		pos  *ast.Position
		op   *ast.OperationDefinition // nil for a fragment
		name string                   // of a fragment
	}
	var defs []def
	for _, op := range doc.Operations {
		defs = append(defs, def{pos: op.Position, op: op})
	}
	for _, fr := range doc.Fragments {
		defs = append(defs, def{pos: fr.Position, name: fr.Name})
	}
	slices.SortFunc(defs, func(a, b def) int { return a.pos.Start - b.pos.Start })
	// Positions count runes.
	src := []rune(f.text)
	text := func(i int) string {
		end := len(src)
		if i+1 < len(defs) {
			end = defs[i+1].pos.Start
		}
		return string(src[defs[i].pos.Start:end])
	}
	fragmentText := map[string]string{}
	for i, d := range defs {
		if d.op == nil {
			fragmentText[d.name] = text(i)
		}
	}
	var out []readmeExample
	for i, d := range defs {
		if d.op == nil {
			continue
		}
		// Only the fragments the operation spreads: an unused one is invalid.
		q := trimTrailingComments(text(i))
		for _, name := range spreads(doc, d.op.SelectionSet) {
			q += "\n" + fragmentText[name]
		}
		out = append(out, readmeExample{line: f.line + d.pos.Line - 1, query: q, variables: vars})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("line %d: a graphql block with no operation", f.line)
	}
	return out, nil
}

// trimTrailingComments drops the blank and comment lines that end an
// operation's text: they introduce the next definition.
func trimTrailingComments(s string) string {
	lines := strings.Split(s, "\n")
	for len(lines) > 1 {
		l := strings.TrimSpace(lines[len(lines)-1])
		if l != "" && !strings.HasPrefix(l, "#") {
			break
		}
		lines = lines[:len(lines)-1]
	}
	return strings.Join(lines, "\n") + "\n"
}

// spreads returns the fragments that set spreads, directly or through
// other fragments, in the order first spread.
func spreads(doc *ast.QueryDocument, set ast.SelectionSet) []string {
	var names []string
	var walk func(ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch sel := sel.(type) {
			case *ast.Field:
				walk(sel.SelectionSet)
			case *ast.InlineFragment:
				walk(sel.SelectionSet)
			case *ast.FragmentSpread:
				if slices.Contains(names, sel.Name) {
					continue
				}
				names = append(names, sel.Name)
				if fr := doc.Fragments.ForName(sel.Name); fr != nil {
					walk(fr.SelectionSet)
				}
			}
		}
	}
	walk(set)
	return names
}

func TestReadmeExamplesExtracted(t *testing.T) {
	md := "# t\n" +
		"```graphql\n" +
		"# two queries\n" +
		"{ a: stats { entities } }   # → a comment\n" +
		"\n" +
		"query Q($id: ID!) { entity(id: $id) { ...F } }\n" +
		"fragment F on Entity { name }\n" +
		"```\n" +
		"\n" +
		"```json\n" +
		`{"id": "country/mexico"}` + "\n" +
		"```\n" +
		"```sh\n" +
		"curl -s localhost:8080/graphql -H 'Content-Type: application/json' \\\n" +
		`  -d '{"query": "{ vocabulary { kinds } }"}'` + "\n" +
		"curl -OJ 'http://127.0.0.1:8080/export/gexf'\n" +
		"```\n" +
		"```graphql\n" +
		"{ stats { sources } }\n" +
		"```\n" +
		"text\n" +
		"```json\n" +
		"[1]\n" +
		"```\n"
	got, err := readmeExamples([]byte(md))
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]any{"id": "country/mexico"}
	want := []readmeExample{
		{4, "{ a: stats { entities } }   # → a comment\n", vars}, // without the fragment it does not use
		{6, "query Q($id: ID!) { entity(id: $id) { ...F } }\n\nfragment F on Entity { name }\n", vars},
		{14, "{ vocabulary { kinds } }", nil},
		{19, "{ stats { sources } }\n", nil}, // the json block is not adjacent
	}
	if len(got) != len(want) {
		t.Fatalf("got %d examples, want %d: %#v", len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.line != w.line || g.query != w.query || fmt.Sprint(g.variables) != fmt.Sprint(w.variables) {
			t.Errorf("example %d:\n got %d %q %v\nwant %d %q %v", i, g.line, g.query, g.variables, w.line, w.query, w.variables)
		}
	}
}

// TestReadmeExamples runs every GraphQL example of README.md on the seed,
// in the in-memory store and in Neo4j (which skips without NEO4J_URI).
func TestReadmeExamples(t *testing.T) {
	md, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	examples, err := readmeExamples(md)
	if err != nil {
		t.Fatalf("README.md: %v", err)
	}
	if len(examples) < 10 {
		t.Fatalf("found only %d examples in README.md", len(examples))
	}
	stores := []struct {
		name string
		open func(t testing.TB) pg.Store
	}{
		{"memory", pgtest.Seed},
		{"neo4j", func(t testing.TB) pg.Store {
			driver := neo4jtest.Exclusive(t)
			s := neo4j.New(driver, neo4jtest.Config(t).Database)
			if _, err := loader.Load(context.Background(), s, data.Seed(), loader.Options{}); err != nil {
				t.Fatalf("load the seed into Neo4j: %v", err)
			}
			return s
		}},
	}
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			h := newHandler(graph.Config{}, st.open(t))
			for _, ex := range examples {
				t.Run(ex.name(), func(t *testing.T) {
					resp := do(t, h, ex.query, ex.variables)
					if len(resp.Errors) > 0 || resp.Status != 200 {
						t.Fatalf("%s\nstatus %d: %s", ex.query, resp.Status, resp.Raw)
					}
					if len(resp.Data) == 0 {
						t.Fatalf("%s\nno data: %s", ex.query, resp.Raw)
					}
					for field, v := range resp.Data {
						if where := emptyPart(v, field); where != "" {
							t.Errorf("%s\n%s is empty: %s", ex.query, where, resp.Raw)
						}
					}
				})
			}
		})
	}
}

// emptyPart returns the path of the first null top-level field or empty
// list reachable from v through objects alone, or "" when there is none.
func emptyPart(v json.RawMessage, path string) string {
	var x any
	if err := json.Unmarshal(v, &x); err != nil || x == nil {
		return path
	}
	var walk func(x any, path string) string
	walk = func(x any, path string) string {
		switch x := x.(type) {
		case []any:
			if len(x) == 0 {
				return path
			}
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				if p := walk(x[k], path+"."+k); p != "" {
					return p
				}
			}
		}
		return ""
	}
	return walk(x, path)
}
