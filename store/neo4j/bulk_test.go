package neo4j

import (
	"encoding/csv"
	"os"
	"slices"
	"strings"
	"testing"

	pg "github.com/policygraph/policygraph"
)

// TestCSVWriter checks the files the importer reads: quoting, lists, empty
// lists, which files need the multi-line parser, and the manifest.
func TestCSVWriter(t *testing.T) {
	dir := t.TempDir()
	w, err := NewCSVWriter(dir, "load-1")
	if err != nil {
		t.Fatal(err)
	}
	rate := 25.5
	ev := []pg.Evidence{{Source: "source/a", Quote: `He said "no, never"; then left`}}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(w.Source(&pg.Source{ID: "source/a", Title: "A, with a comma"}))
	must(w.Entity(&pg.Entity{ID: "policy/p", Kind: pg.Policy, Name: "P", Type: "tariff", Rate: &rate, Evidence: ev}))
	must(w.Entity(&pg.Entity{ID: "person/q", Kind: pg.Person, Name: "Q", Aliases: []string{"Mr; Q", "Q."}}))
	must(w.Relationship(&pg.Relationship{ID: "person/q|SUPPORTS|policy/p", Type: pg.Supports, From: "person/q", To: "policy/p", Evidence: ev}))
	if err := w.Entity(&pg.Entity{ID: "person/r", Kind: pg.Person, Name: "R", Aliases: []string{"bad\x1fone"}}); err == nil {
		t.Error("a value holding the list delimiter was written")
	}
	b, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}

	read := func(path string) [][]string {
		t.Helper()
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		recs, err := csv.NewReader(f).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return recs
	}
	group := func(gs []CSVGroup, label string) CSVGroup {
		t.Helper()
		i := slices.IndexFunc(gs, func(g CSVGroup) bool { return g.Type == label || slices.Contains(g.Labels, label) })
		if i < 0 {
			t.Fatalf("no group %s in %+v", label, gs)
		}
		return gs[i]
	}
	field := func(g CSVGroup, row int, col string) string {
		t.Helper()
		header := read(g.Header)[0]
		i := slices.IndexFunc(header, func(h string) bool { return h == col || strings.HasPrefix(h, col+":") })
		if i < 0 {
			t.Fatalf("%s has no column %s: %q", g.Header, col, header)
		}
		return read(g.Data)[row][i]
	}

	src := group(b.Nodes, pg.SourceLabel)
	person := group(b.Nodes, string(pg.Person))
	policy := group(b.Nodes, string(pg.Policy))
	supports := group(b.Relationships, string(pg.Supports))
	for _, c := range []struct{ got, want string }{
		{field(src, 0, "title"), "A, with a comma"},
		{field(src, 0, "createdBy"), "load-1"},
		{field(person, 0, "aliases"), "Mr; Q\x1fQ."},
		{field(policy, 0, "rate"), "25.5"},
		{field(policy, 0, "aliases"), ""},
		{field(policy, 0, "evidenceQuotes"), `He said "no, never"; then left`},
		{field(supports, 0, ":START_ID"), "person/q"},
		{field(supports, 0, ":END_ID"), "policy/p"},
		{field(supports, 0, "evidenceSources"), "source/a"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	if src.Multiline || supports.Multiline || !person.Multiline {
		t.Errorf("multi-line: source %t, SUPPORTS %t, Person %t; want only entities (search holds newlines)",
			src.Multiline, supports.Multiline, person.Multiline)
	}
	if !slices.Contains(b.EmptyLists, EmptyList{Node: true, Label: "Policy", Prop: "aliases"}) ||
		slices.Contains(b.EmptyLists, EmptyList{Node: true, Label: "Person", Prop: "aliases"}) {
		t.Errorf("empty lists %+v; want Policy.aliases and not Person.aliases", b.EmptyLists)
	}
	if b.NodeCount() != 3 || b.RelationshipCount() != 1 {
		t.Errorf("%d nodes, %d relationships; want 3, 1", b.NodeCount(), b.RelationshipCount())
	}

	again, err := ReadBulkImport(dir)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(again.AdminArgs(), " ") != strings.Join(b.AdminArgs(), " ") {
		t.Errorf("manifest gives %q, want %q", again.AdminArgs(), b.AdminArgs())
	}
	if err := os.WriteFile(dir+"/"+manifestName, []byte(`{"emptyLists": [{"node": true, "label": "Person) DETACH DELETE x //", "prop": "aliases"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadBulkImport(dir); err == nil {
		t.Error("a manifest with a label outside the vocabulary was accepted")
	}
}
