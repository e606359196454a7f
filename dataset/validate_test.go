package dataset_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/dataset"
)

// header is a valid start that the broken cases build on.
const header = `sources:
  - id: source/a
    title: A
entities:
  - id: person/x
    kind: Person
    name: X
  - id: country/y
    kind: Country
    name: Y
`

func TestValidateReportsEveryProblem(t *testing.T) {
	tests := []struct {
		name  string
		file  string // name of the file; its extension picks the format
		data  string
		texts map[string]string
		want  []string // every problem, in order, with the path made relative
	}{
		{
			name: "clean",
			file: "ok.yaml",
			data: header + `relationships:
  - type: LEADS
    from: person/x
    to: country/y
    role: President
    start: 2024-10
    evidence: [{source: source/a, quote: "X leads Y."}]
`,
			texts: map[string]string{"source/a": "So X leads Y. Indeed."},
		},
		{
			name: "unknown kind, type and field",
			file: "d.yaml",
			data: header + `  - id: thing/z
    kind: Thing
    name: Z
  - id: organization/o
    kind: Organization
    name: O
    type: club
    colour: red
relationships:
  - type: OWNS
    from: person/x
    to: country/y
    evidence: [{source: source/a, quote: q}]
`,
			want: []string{
				"d.yaml:12:11: thing/z: kind: unknown kind \"Thing\" (want Person, Organization, Country, Policy)",
				"d.yaml:17:11: organization/o: type: unknown organization type \"club\" (want government, agency, military, cartel, company, media, think_tank, political_party, terrorist_group, court, ngo)",
				"d.yaml:18:13: organization/o: colour: unknown field",
				"d.yaml:20:11: person/x|OWNS|country/y: type: unknown relationship type \"OWNS\"",
			},
		},
		{
			name: "kinds the vocabulary does not join",
			file: "d.yaml",
			data: header + `relationships:
  - type: TARGETS
    from: person/x
    to: country/y
    evidence: [{source: source/a, quote: q}]
  - type: QUOTED_IN
    from: person/x
    to: country/y
    evidence: [{source: source/a, quote: q}]
`,
			want: []string{
				"d.yaml:12:11: person/x|TARGETS|country/y: type: TARGETS cannot join Person to Country (want Policy to Person, Organization, Country)",
				"d.yaml:18:9: person/x|QUOTED_IN|country/y: to: QUOTED_IN must be a source, not a Country",
			},
		},
		{
			name: "dangling and duplicate ids",
			file: "d.yaml",
			data: header + `  - id: person/x
    kind: Person
    name: X again
relationships:
  - type: LEADS
    from: person/nobody
    to: country/y
    evidence: [{source: source/b, quote: q}]
  - type: ALLIED_WITH
    from: person/x
    to: country/y
    evidence: [{source: source/a, quote: q}]
  - type: ALLIED_WITH
    from: person/x
    to: country/y
    evidence: [{source: source/a, quote: q}]
`,
			want: []string{
				"d.yaml:11:9: person/x: id: duplicate id: already defined in this file",
				"d.yaml:16:11: person/nobody|LEADS|country/y: from: unknown id \"person/nobody\": no source or entity defines it",
				"d.yaml:18:25: person/nobody|LEADS|country/y: evidence[0].source: unknown source \"source/b\"",
				"d.yaml:23:11: person/x|ALLIED_WITH|country/y: type: duplicate relationship: ALLIED_WITH from person/x to country/y is already stated in this file (add a key to tell them apart)",
			},
		},
		{
			name: "missing evidence and fields",
			file: "d.yaml",
			data: header + `  - id: policy/p
    kind: Policy
    type: tariff
relationships:
  - type: LEADS
    from: person/x
    to: country/y
  - type: ALLIED_WITH
    to: country/y
    evidence: [{source: source/a}]
`,
			want: []string{
				"d.yaml:11:5: policy/p: name: missing",
				"d.yaml:11:5: policy/p: evidence: missing: a Policy needs evidence for its facts",
				"d.yaml:15:5: person/x|LEADS|country/y: evidence: missing: every relationship needs evidence",
				"d.yaml:18:5: |ALLIED_WITH|country/y: from: missing",
				"d.yaml:20:16: |ALLIED_WITH|country/y: evidence[0].quote: missing",
			},
		},
		{
			name: "malformed dates and numbers out of range",
			file: "d.yaml",
			data: header + `  - id: policy/p
    kind: Policy
    type: tariff
    name: P
    date: 2025-02-30
    start: 2025-05
    end: 2025-04
    rate: -3
    count: -1
    evidence: [{source: source/a, quote: q}]
relationships:
  - type: TRADES_WITH
    from: country/y
    to: country/y
    rank: 0
    status: dormant
    role: partner
    evidence: [{source: source/a, quote: q}]
`,
			want: []string{
				"d.yaml:15:11: policy/p: date: malformed date \"2025-02-30\" (want YYYY, YYYY-MM or YYYY-MM-DD)",
				"d.yaml:17:10: policy/p: end: end 2025-04 is before start 2025-05",
				"d.yaml:18:11: policy/p: rate: rate -3 out of range (want 0 to 10000 percent)",
				"d.yaml:19:12: policy/p: count: count -1 out of range (want 0 or more)",
				"d.yaml:25:11: country/y|TRADES_WITH|country/y: rank: rank 0 out of range (want 1 or more)",
				"d.yaml:26:13: country/y|TRADES_WITH|country/y: status: unknown status \"dormant\" (want proposed, threatened, announced, scheduled, in_force, postponed, suspended, expired, revoked, completed, former)",
				"d.yaml:27:11: country/y|TRADES_WITH|country/y: role: TRADES_WITH does not take role",
			},
		},
		{
			name:  "quote not in the source",
			file:  "d.yaml",
			texts: map[string]string{"source/a": "The real text."},
			data: header + `relationships:
  - type: ALLIED_WITH
    from: person/x
    to: country/y
    evidence:
      - source: source/a
        quote: "The real text."
      - source: source/a
        quote: "An invented text."
`,
			want: []string{
				"d.yaml:19:16: person/x|ALLIED_WITH|country/y: evidence[1].quote: quote not found verbatim in the text of source/a",
			},
		},
		{
			name: "ids that do not fit their kind",
			file: "d.yaml",
			data: `sources:
  - id: src/a
    title: A
entities:
  - id: country/x
    kind: Person
    name: X
  - id: person/Bad_Id
    kind: Person
    name: Y
`,
			want: []string{
				"d.yaml:2:9: src/a: id: id \"src/a\" must start with \"source/\"",
				"d.yaml:5:9: country/x: id: id \"country/x\" must start with \"person/\"",
				"d.yaml:8:9: person/Bad_Id: id: malformed id \"person/Bad_Id\" (want person/<lower-case-words-joined-by-hyphens>)",
			},
		},
		{
			name: "json lines",
			file: "d.jsonl",
			data: `{"source": {"id": "source/a", "title": "A"}}
{"entity": {"id": "person/x", "kind": "Person", "name": "X", "colour": "red"}}
{"entity": {"id": "country/y", "kind": "Country", "name": "Y", "rate": "high"}}
{"relationship": {"type": "LEADS", "from": "person/x", "to": "country/y", "evidence": []}}

{"entity": {"id": "person/z"
{"source": {"id": "source/b", "title": "B"}, "entity": {"id": "person/w", "kind": "Person", "name": "W"}}
`,
			want: []string{
				"d.jsonl:2:62: person/x: colour: unknown field",
				"d.jsonl:3:77: country/y: entity.rate: want float64, not JSON string",
				// person/x and country/y did not decode, so they are not defined.
				"d.jsonl:4:36: person/x|LEADS|country/y: from: unknown id \"person/x\": no source or entity defines it",
				"d.jsonl:4:56: person/x|LEADS|country/y: to: unknown id \"country/y\": no source or entity defines it",
				"d.jsonl:4:75: person/x|LEADS|country/y: evidence: missing: every relationship needs evidence",
				"d.jsonl:6: invalid JSON: the line ends inside an object",
				"d.jsonl:7: want exactly one of \"source\", \"entity\" or \"relationship\"",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, tt.file)
			if err := os.WriteFile(path, []byte(tt.data), 0o644); err != nil {
				t.Fatal(err)
			}
			err := dataset.Validate(context.Background(), dataset.Paths(path), dataset.Options{Texts: tt.texts})
			var got []string
			var ps *dataset.Problems
			switch {
			case errors.As(err, &ps):
				for _, p := range ps.List {
					got = append(got, strings.TrimPrefix(p.Error(), dir+string(filepath.Separator)))
				}
			case err != nil:
				t.Fatalf("Validate: unexpected error %v", err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("problems:\n got  %q\n want %q", got, tt.want)
			}
		})
	}
}

// TestValidateAcrossFiles checks that references resolve across files in
// either order and that an ID stated in two files merges rather than
// clashes, unless the kinds disagree.
func TestValidateAcrossFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	rels := write("rels.yaml", `relationships:
  - type: LEADS
    from: person/x
    to: country/y
    evidence: [{source: source/a, quote: q}]
`)
	defs := write("defs.yaml", header)
	again := write("again.yaml", header)
	clash := write("clash.yaml", `entities:
  - id: person/x
    kind: Country
    name: X
`)
	ctx := context.Background()
	if err := dataset.Validate(ctx, dataset.Paths(rels, defs, again), dataset.Options{}); err != nil {
		t.Errorf("forward references and a repeated file: %v", err)
	}
	err := dataset.Validate(ctx, dataset.Paths(defs, clash), dataset.Options{})
	want := "clash.yaml:2:9: person/x: id: id \"person/x\" must start with \"country/\""
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("kind clash: got %v, want it to contain %q", err, want)
	}
	// The message names the file that defined the ID first, not its own.
	asSource := write("as-source.yaml", `sources:
  - id: person/x
    title: X
`)
	err = dataset.Validate(ctx, dataset.Paths(defs, asSource), dataset.Options{})
	want = "as-source.yaml:2:9: person/x: id: defined in " + defs + " as Person; the same ID cannot be a source"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("source clash: got %v, want it to contain %q", err, want)
	}
}

func TestLoadMerges(t *testing.T) {
	dir := t.TempDir()
	one := filepath.Join(dir, "one.yaml")
	two := filepath.Join(dir, "two.jsonl")
	if err := os.WriteFile(one, []byte(`sources:
  - {id: source/a, title: A}
entities:
  - id: person/x
    kind: Person
    name: X
    aliases: [Mr. X]
    evidence: [{source: source/a, quote: "Mr. X said"}]
  - {id: country/y, kind: Country, name: Y}
relationships:
  - type: LEADS
    from: person/x
    to: country/y
    evidence: [{source: source/a, quote: "X leads"}]
`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(two, []byte(`{"source": {"id": "source/b", "title": "B"}}
{"entity": {"id": "person/x", "kind": "Person", "name": "X", "aliases": ["Mr. X", "Xavier"], "description": "a leader", "evidence": [{"source": "source/b", "quote": "Xavier"}]}}
{"relationship": {"type": "LEADS", "from": "person/x", "to": "country/y", "role": "President", "evidence": [{"source": "source/b", "quote": "President X"}, {"source": "source/a", "quote": "X leads"}]}}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	ds, err := dataset.Load(context.Background(), dataset.Paths(one, two), dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Entities) != 2 || len(ds.Sources) != 2 {
		t.Fatalf("got %d entities and %d sources, want 2 and 2", len(ds.Entities), len(ds.Sources))
	}
	x := ds.Entities[0]
	if !slices.Equal(x.Aliases, []string{"Mr. X", "Xavier"}) || x.Description != "a leader" || len(x.Evidence) != 2 {
		t.Errorf("merged entity = %+v", x)
	}
	var types []string
	for _, r := range ds.Relationships {
		types = append(types, r.ID)
		if r.Type == pg.Leads && (r.Role != "President" || len(r.Evidence) != 2) {
			t.Errorf("merged LEADS = %+v, want role President and 2 pieces of evidence", r)
		}
	}
	want := []string{"source/a|MENTIONS|person/x", "person/x|LEADS|country/y", "source/b|MENTIONS|person/x"}
	if !slices.Equal(types, want) {
		t.Errorf("relationships = %q, want %q", types, want)
	}
}

// TestValidateForwardReferences checks the second pass that resolves
// records referring ahead: references to later records, to IDs that only
// Options.Existing knows (asked once, for every such ID together) and to
// IDs that nothing defines (reported once).
func TestValidateForwardReferences(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "d.jsonl")
	if err := os.WriteFile(path, []byte(`{"relationship": {"type": "LEADS", "from": "person/x", "to": "country/db", "evidence": [{"source": "source/a", "quote": "q"}]}}
{"relationship": {"type": "LEADS", "from": "person/x", "to": "country/nowhere", "evidence": [{"source": "source/a", "quote": "q"}]}}
{"entity": {"id": "person/x", "kind": "Person", "name": "X", "evidence": [{"source": "source/a", "quote": "q"}]}}
{"relationship": {"type": "ALLIED_WITH", "from": "person/x", "to": "country/db", "evidence": [{"source": "source/a", "quote": "q"}]}}
{"source": {"id": "source/a", "title": "A"}}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	var asked [][]string
	existing := func(_ context.Context, ids []string) (map[string]string, error) {
		asked = append(asked, ids)
		return map[string]string{"country/db": "Country"}, nil
	}
	tests := []struct {
		name     string
		existing func(context.Context, []string) (map[string]string, error)
		want     []string
		asked    [][]string
	}{
		{
			name: "without a database",
			want: []string{
				`d.jsonl:1:56: person/x|LEADS|country/db: to: unknown id "country/db": no source or entity defines it`,
				`d.jsonl:2:56: person/x|LEADS|country/nowhere: to: unknown id "country/nowhere": no source or entity defines it`,
				`d.jsonl:4:62: person/x|ALLIED_WITH|country/db: to: unknown id "country/db": no source or entity defines it`,
			},
		},
		{
			name:     "with a database",
			existing: existing,
			want:     []string{`d.jsonl:2:56: person/x|LEADS|country/nowhere: to: unknown id "country/nowhere": no source or entity defines it`},
			asked:    [][]string{{"country/db", "country/nowhere"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			asked = nil
			sum, err := dataset.Check(context.Background(), dataset.Paths(path), dataset.Options{Existing: tt.existing})
			var got []string
			var ps *dataset.Problems
			if errors.As(err, &ps) {
				for _, p := range ps.List {
					got = append(got, strings.TrimPrefix(p.Error(), dir+string(filepath.Separator)))
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("problems:\n got  %q\n want %q", got, tt.want)
			}
			if fmt.Sprint(asked) != fmt.Sprint(tt.asked) {
				t.Errorf("Existing asked %q, want %q", asked, tt.asked)
			}
			if !sum.ForwardRefs {
				t.Error("ForwardRefs = false, want true")
			}
		})
	}
}
