package dataset_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/dataset"
)

// Seeds shared by the fuzzers: valid records, and every kind of input that
// was lost or altered before (issue 11, finding 6).
var jsonlSeeds = []string{
	`{"source": {"id": "source/a", "title": "A", "published": "2025-03-10"}}
{"entity": {"id": "country/mexico", "kind": "Country", "name": "Mexico", "evidence": [{"source": "source/a", "quote": "q"}]}}
{"entity": {"id": "person/x", "kind": "Person", "name": "X", "aliases": ["Mr. X"]}}
{"relationship": {"type": "LEADS", "from": "person/x", "to": "country/mexico", "role": "President", "start": "2024-10", "evidence": [{"source": "source/a", "quote": "q"}]}}
`,
	`{"relationship": {"type": "TRADES_WITH", "from": "country/a", "to": "country/b", "rank": 2, "key": "k1", "evidence": [{"source": "source/a", "quote": "…"}]}}` + "\n" +
		`{"entity": {"id": "country/a", "kind": "Country", "name": "A"}}` + "\n" + `{"entity": {"id": "country/b", "kind": "Country", "name": "B"}}`,
	`{"source": {"id": "source/a", "title": "A", "title": "B"}}`,
	`{"source": {"id": "source/a", "Title": "A"}}`,
	"{\"source\": {\"id\": \"source/a\", \"title\": \"M\xe9xico\"}}",
	`{"source": {"id": "source/a", "title": "\ud800"}}`,
	`{"source": {"id": "source/a", "title": "\ud83d\ude00"}}`,
	"\xef\xbb\xbf{\"source\": {\"id\": \"source/a\", \"title\": \"A\"}}",
	"\xff\xfe{\x00",
	`{"entity": {"id": "person/z"`,
	`{"source": {"id": "source/b", "title": "B"}, "entity": {"id": "person/w", "kind": "Person", "name": "W"}}`,
	`{"relationship": {"id": "x", "type": "LEADS", "from": "person/x", "to": "country/y", "evidence": []}}`,
	`[1, 2]` + "\n\n" + `"s"` + "\r\n" + `{}`,
}

var yamlSeeds = []string{
	`sources:
  - id: source/a
    title: A
    published: 2025-03-10
entities:
  - id: person/x
    kind: Person
    name: X
    aliases: [Mr. X]
    evidence: [{source: source/a, quote: "X said"}]
  - {id: country/y, kind: Country, name: Y}
relationships:
  - type: LEADS
    from: person/x
    to: country/y
    evidence: [{source: source/a, quote: "X leads"}]
`,
	"sources:\n  - {id: source/a, title: A}\n---\nsources:\n  - {id: source/b, title: B}\n---\n# empty\n---\n- a\n",
	"sources:\n  - id: source/a\n    title: A\n    title: B\n",
	"sources:\n  - id: source/a\n    title: M\xe9xico\n",
	"sources:\n  - id: source/a\n    title: \"\\ud800\"\n",
	"\xef\xbb\xbfsources:\n  - {id: source/a, title: A}\n",
	"\xff\xfes\x00o\x00",
	"sources: 3\nthings: []\nentities:\n  - 7\n  - {id: person/x, kind: Person, name: X, rate: high}\n",
	"a: &a [*a]\n",
	"entities: [{id: person/x, kind: Person, name: X, evidence: [{source: 1, quote: [q]}]}]\n",
	"",
}

// FuzzJSONL checks that validation of any JSON Lines file returns its
// verdict without panicking, places every problem in the file, and accepts
// only what it reads unchanged.
func FuzzJSONL(f *testing.F) {
	for _, s := range jsonlSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkFile(t, "f.jsonl", data) })
}

// FuzzYAML is FuzzJSONL for YAML files.
func FuzzYAML(f *testing.F) {
	for _, s := range yamlSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkFile(t, "f.yaml", data) })
}

func memFile(name string, data []byte) []dataset.File {
	return []dataset.File{{Name: name, Open: func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	}}}
}

func checkFile(t *testing.T, name string, data []byte) {
	ctx := context.Background()
	files := memFile(name, data)
	sum, err := dataset.Check(ctx, files, dataset.Options{})
	var ps *dataset.Problems
	if err != nil && !errors.As(err, &ps) {
		t.Fatalf("Check: %v, want nil or *Problems", err)
	}
	if ps != nil {
		// YAML also breaks lines at "\r" (and yaml.v3 at NEL, LS and PS):
		// count every break, an upper bound for either format.
		lines := 1
		for _, brk := range []string{"\n", "\r", "\u0085", "\u2028", "\u2029"} {
			lines += bytes.Count(data, []byte(brk))
		}
		if ps.Total == 0 || len(ps.List) == 0 {
			t.Fatalf("Problems with none listed: %+v", ps)
		}
		for _, p := range ps.List {
			if p.Pos.File != name || p.Pos.Line < 1 || p.Pos.Line > lines || p.Pos.Column < 0 || p.Reason == "" {
				t.Fatalf("problem %q is not placed in the %d-line file", p.Error(), lines)
			}
		}
		return
	}
	body := bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(body) {
		t.Fatalf("accepted a file that is not UTF-8")
	}
	ds, err := dataset.Load(ctx, files, dataset.Options{})
	if err != nil {
		t.Fatalf("Load of a valid file: %v", err)
	}
	entities := 0
	for _, n := range sum.Entities {
		entities += n
	}
	if len(ds.Sources) != sum.Sources || len(ds.Entities) != entities {
		t.Fatalf("Load read %d sources and %d entities, Check counted %d and %d", len(ds.Sources), len(ds.Entities), sum.Sources, entities)
	}
	// U+FFFD in what was read must come from the file, not from a byte or
	// an escape that could not be decoded.
	lower := strings.ToLower(string(body))
	if !strings.Contains(lower, "\ufffd") && !strings.Contains(lower, `\ufffd`) {
		for _, v := range []any{ds.Sources, ds.Entities, ds.Relationships} {
			if s := fmt.Sprintf("%+v", deref(v)); strings.ContainsRune(s, utf8.RuneError) {
				t.Fatalf("read U+FFFD that the file does not hold: %s", s)
			}
		}
	}
}

// deref turns a slice of pointers into a slice of values, for printing.
func deref(v any) []any {
	rv := reflect.ValueOf(v)
	out := make([]any, rv.Len())
	for i := range out {
		out[i] = rv.Index(i).Elem().Interface()
	}
	return out
}

// FuzzRelationshipID checks that every relationship that validation
// accepts has an ID that gives back its ends, type and key: the stores find
// a relationship by splitting its ID at "|".
func FuzzRelationshipID(f *testing.F) {
	f.Add("person/a", "LEADS", "country/b", "")
	f.Add("person/a", "ALLIED_WITH", "person/b", "k.1")
	f.Add("person/a|LEADS|country/b", "LEADS", "country/b", "")
	f.Add("person/a", "LEADS", "country/b", "x|y")
	f.Add("organization/o", "PART_OF", "policy/p", "2025_a-b")
	f.Fuzz(func(t *testing.T, from, typ, to, key string) {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		if err := enc.Encode(map[string]any{"source": map[string]any{"id": "source/s", "title": "S"}}); err != nil {
			t.Fatal(err)
		}
		ev := []map[string]string{{"source": "source/s", "quote": "q"}}
		for _, id := range []string{from, to} {
			kind, _, _ := strings.Cut(id, "/")
			if kind != "" {
				kind = strings.ToUpper(kind[:1]) + kind[1:]
			}
			e := map[string]any{"id": id, "kind": kind, "name": "N", "evidence": ev}
			switch pg.Kind(kind) {
			case pg.Organization:
				e["type"] = "cartel"
			case pg.Policy:
				e["type"] = "tariff"
			}
			if err := enc.Encode(map[string]any{"entity": e}); err != nil {
				t.Fatal(err)
			}
		}
		if err := enc.Encode(map[string]any{"relationship": map[string]any{"type": typ, "from": from, "to": to, "key": key, "evidence": ev}}); err != nil {
			t.Fatal(err)
		}
		ds, err := dataset.Load(context.Background(), memFile("r.jsonl", b.Bytes()), dataset.Options{})
		if err != nil {
			return
		}
		for _, r := range ds.Relationships {
			want := []string{r.From, string(r.Type), r.To}
			if r.Key != "" {
				want = append(want, r.Key)
			}
			if got := strings.Split(r.ID, "|"); !reflect.DeepEqual(got, want) {
				t.Fatalf("accepted relationship %q splits into %q, want %q", r.ID, got, want)
			}
		}
	})
}
