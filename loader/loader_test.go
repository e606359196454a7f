package loader_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	neo4jdrv "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/data"
	"github.com/policygraph/policygraph/dataset"
	"github.com/policygraph/policygraph/loader"
	"github.com/policygraph/policygraph/store/neo4j"
	"github.com/policygraph/policygraph/store/neo4j/neo4jtest"
)

// open gives the test the whole database, empty, and a store on it.
func open(t *testing.T) (*neo4j.Store, neo4jdrv.DriverWithContext, string) {
	t.Helper()
	driver := neo4jtest.Exclusive(t)
	db := neo4jtest.Config(t).Database
	return neo4j.New(driver, db), driver, db
}

// snapshot renders every node and relationship of the database, properties
// and all, in a fixed order, so two states can be compared exactly.
func snapshot(t *testing.T, driver neo4jdrv.DriverWithContext, db string) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	for _, q := range []string{
		"MATCH (n) RETURN [l IN labels(n) WHERE true | l] AS what, properties(n) AS props ORDER BY n.id, n._target",
		"MATCH (a)-[r]->(b) RETURN [type(r), a.id, b.id] AS what, properties(r) AS props ORDER BY r.id",
	} {
		res, err := neo4jdrv.ExecuteQuery(ctx, driver, q, nil, neo4jdrv.EagerResultTransformer, neo4jdrv.ExecuteQueryWithDatabase(db))
		if err != nil {
			t.Fatalf("snapshot: %v", err)
		}
		for _, r := range res.Records {
			what, _ := r.Get("what")
			props, _ := r.Get("props")
			out = append(out, fmt.Sprint(what, props))
		}
	}
	return out
}

func write(t *testing.T, name, body string) dataset.File {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return dataset.Paths(p)[0]
}

func TestLoadSeedTwiceIsIdempotent(t *testing.T) {
	s, driver, db := open(t)
	ctx := context.Background()
	first, err := loader.Load(ctx, s, data.Seed(), loader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sum := first.Summary
	wantNodes := sum.Sources
	for _, n := range sum.Entities {
		wantNodes += n
	}
	wantRels := 0
	for _, n := range sum.Relationships {
		wantRels += n
	}
	if c := first.Counts; c.NodesCreated != wantNodes || c.RelationshipsCreated != wantRels || c.NodesUpdated != 0 {
		t.Errorf("first load counts = %+v, want %d nodes and %d relationships created", c, wantNodes, wantRels)
	}
	before := snapshot(t, driver, db)
	if len(before) != wantNodes+wantRels {
		t.Fatalf("database holds %d nodes and relationships, want %d", len(before), wantNodes+wantRels)
	}

	second, err := loader.Load(ctx, s, data.Seed(), loader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c := second.Counts; c.NodesCreated != 0 || c.RelationshipsCreated != 0 || c.NodesUpdated != wantNodes || c.RelationshipsUpdated != wantRels {
		t.Errorf("second load counts = %+v, want everything updated and nothing created", c)
	}
	if after := snapshot(t, driver, db); !slices.Equal(before, after) {
		t.Errorf("second load changed the graph:\nbefore %q\nafter  %q", before, after)
	}
}

const sourceA = `sources:
  - {id: source/a, title: A}
entities:
  - id: person/x
    kind: Person
    name: Xavier
    aliases: [Mr. X]
    evidence: [{source: source/a, quote: "Mr. X spoke"}]
  - {id: country/y, kind: Country, name: Ysland}
relationships:
  - type: LEADS
    from: person/x
    to: country/y
    role: President
    evidence: [{source: source/a, quote: "Mr. X leads Ysland"}]
`

const sourceB = `sources:
  - {id: source/b, title: B}
entities:
  - id: person/x
    kind: Person
    name: Xavier
    aliases: [President Xavier, Mr. X]
    description: Leader of Ysland.
    evidence: [{source: source/b, quote: "President Xavier"}]
  - {id: person/z, kind: Person, name: Zed}
relationships:
  - type: LEADS
    from: person/x
    to: country/y
    start: "2024"
    evidence: [{source: source/b, quote: "Xavier has led Ysland since 2024"}]
  - type: ALLIED_WITH
    from: person/z
    to: person/x
    evidence: [{source: source/b, quote: "Zed, an ally of Xavier"}]
`

func TestSecondSourceMergesIntoExistingEntities(t *testing.T) {
	s, driver, db := open(t)
	ctx := context.Background()
	if _, err := loader.Load(ctx, s, []dataset.File{write(t, "a.yaml", sourceA)}, loader.Options{}); err != nil {
		t.Fatal(err)
	}
	res, err := loader.Load(ctx, s, []dataset.File{write(t, "b.yaml", sourceB)}, loader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// source/b and person/z are new; person/x merges. LEADS merges; ALLIED_WITH
	// and source/b's MENTIONS of person/x and person/z... person/z has no
	// evidence, so only MENTIONS of person/x is new.
	want := pg.WriteCounts{NodesCreated: 2, NodesUpdated: 1, RelationshipsCreated: 2, RelationshipsUpdated: 1}
	if res.Counts != want {
		t.Errorf("counts = %+v, want %+v", res.Counts, want)
	}
	q := `MATCH (x:Person {id: 'person/x'})-[r:LEADS]->(:Country {id: 'country/y'})
RETURN x.aliases AS aliases, x.description AS description, x.evidenceSources AS xs,
       r.role AS role, r.start AS start, r.evidenceSources AS rs, r.evidenceQuotes AS rq, count(*) AS n`
	out, err := neo4jdrv.ExecuteQuery(ctx, driver, q, nil, neo4jdrv.EagerResultTransformer, neo4jdrv.ExecuteQueryWithDatabase(db))
	if err != nil || len(out.Records) != 1 {
		t.Fatalf("query: %v, %d records", err, len(out.Records))
	}
	got := out.Records[0].AsMap()
	checks := []struct {
		field string
		want  any
	}{
		{"aliases", []any{"Mr. X", "President Xavier"}},
		{"description", "Leader of Ysland."},
		{"xs", []any{"source/a", "source/b"}},
		{"role", "President"},
		{"start", "2024"},
		{"rs", []any{"source/a", "source/b"}},
		{"rq", []any{"Mr. X leads Ysland", "Xavier has led Ysland since 2024"}},
		{"n", int64(1)},
	}
	for _, c := range checks {
		if fmt.Sprint(got[c.field]) != fmt.Sprint(c.want) {
			t.Errorf("%s = %v, want %v", c.field, got[c.field], c.want)
		}
	}
}

// failing wraps a target so that its write of batch number at (from 1)
// fails: with an injected error, or by cancelling the load's context.
type failing struct {
	pg.LoadTarget
	at     int
	cancel context.CancelFunc // nil: return errInjected instead
	n      int
}

var errInjected = errors.New("injected failure")

func (f *failing) tick() error {
	f.n++
	if f.n < f.at {
		return nil
	}
	if f.cancel != nil {
		f.cancel() // the write that follows runs on a cancelled context
		return nil
	}
	return errInjected
}

func (f *failing) WriteAtomic(ctx context.Context, id string, fill func(context.Context, func(pg.Batch) error) error) (pg.WriteCounts, error) {
	return f.LoadTarget.WriteAtomic(ctx, id, func(ctx context.Context, write func(pg.Batch) error) error {
		return fill(ctx, func(b pg.Batch) error {
			if err := f.tick(); err != nil {
				return err
			}
			return write(b)
		})
	})
}

func (f *failing) BeginStaged(ctx context.Context, id string) (pg.StagedLoad, error) {
	st, err := f.LoadTarget.BeginStaged(ctx, id)
	return &failingStage{StagedLoad: st, f: f}, err
}

type failingStage struct {
	pg.StagedLoad
	f *failing
}

func (s *failingStage) Write(ctx context.Context, b pg.Batch) (pg.WriteCounts, error) {
	if err := s.f.tick(); err != nil {
		return pg.WriteCounts{}, err
	}
	return s.StagedLoad.Write(ctx, b)
}

func TestFailedLoadLeavesNothingBehind(t *testing.T) {
	tests := []struct {
		name   string
		staged bool
		cancel bool
		at     int
	}{
		{"atomic, error in the last batch", false, false, 4},
		{"atomic, context cancelled midway", false, true, 2},
		{"staged, error in the last batch", true, false, 4},
		{"staged, error in the first batch", true, false, 1},
		{"staged, context cancelled midway", true, true, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, driver, db := open(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if _, err := loader.Load(ctx, s, []dataset.File{write(t, "a.yaml", sourceA)}, loader.Options{}); err != nil {
				t.Fatal(err)
			}
			before := snapshot(t, driver, db)

			// B has 3 nodes and 3 relationships (MENTIONS included): in
			// batches of 2 that is 4 writes, nodes first.
			opts := loader.Options{BatchSize: 2}
			if tt.staged {
				opts.AtomicLimit = 1
			}
			target := &failing{LoadTarget: s, at: tt.at}
			if tt.cancel {
				target.cancel = cancel
			}
			res, err := loader.Load(ctx, target, []dataset.File{write(t, "b.yaml", sourceB)}, opts)
			if err == nil {
				t.Fatal("load succeeded, want the injected failure")
			}
			if res.Staged != tt.staged {
				t.Errorf("staged = %v, want %v", res.Staged, tt.staged)
			}
			if !tt.cancel && !errors.Is(err, errInjected) {
				t.Errorf("error = %v, want the injected one", err)
			}
			if target.n < tt.at {
				t.Fatalf("only %d batches were written, the failure at %d never came", target.n, tt.at)
			}
			if after := snapshot(t, driver, db); !slices.Equal(before, after) {
				t.Errorf("failed load left changes:\nbefore %q\nafter  %q", before, after)
			}
		})
	}
}

// TestInterruptedStagedLoadIsRolledBackByTheNext plays a loader killed
// midway (or Neo4j going down): the staged load is neither committed nor
// rolled back, and the next load must undo it before writing.
func TestInterruptedStagedLoadIsRolledBackByTheNext(t *testing.T) {
	s, driver, db := open(t)
	ctx := context.Background()
	if _, err := loader.Load(ctx, s, []dataset.File{write(t, "a.yaml", sourceA)}, loader.Options{}); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, driver, db)

	ds, err := dataset.Load(ctx, []dataset.File{write(t, "b.yaml", sourceB)}, dataset.Options{Existing: s.Existing})
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.BeginStaged(ctx, "interrupted")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Write(ctx, pg.Batch{Sources: ds.Sources, Entities: ds.Entities}); err != nil {
		t.Fatal(err)
	}
	if mid := snapshot(t, driver, db); slices.Equal(before, mid) {
		t.Fatal("the staged batch changed nothing; the test proves nothing")
	}

	recovered, err := s.RecoverLoads(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(recovered, []string{"interrupted"}) {
		t.Errorf("recovered %q, want [interrupted]", recovered)
	}
	if after := snapshot(t, driver, db); !slices.Equal(before, after) {
		t.Errorf("recovery left changes:\nbefore %q\nafter  %q", before, after)
	}
}

func TestInvalidDatasetWritesNothing(t *testing.T) {
	s, driver, db := open(t)
	bad := write(t, "bad.yaml", sourceA+`  - type: LEADS
    from: person/x
    to: country/nowhere
    evidence: [{source: source/a, quote: q}]
`)
	_, err := loader.Load(context.Background(), s, []dataset.File{bad}, loader.Options{})
	var ps *dataset.Problems
	if !errors.As(err, &ps) || ps.Total != 1 {
		t.Fatalf("error = %v, want one dataset problem", err)
	}
	if got := snapshot(t, driver, db); len(got) != 0 {
		t.Errorf("an invalid load wrote %d nodes and relationships", len(got))
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	s, driver, db := open(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := loader.Load(ctx, s, data.Seed(), loader.Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Summary.Entities[pg.Person] == 0 {
		t.Error("dry run reported no people in the seed")
	}
	if got := snapshot(t, driver, db); len(got) != 0 {
		t.Errorf("a dry run wrote %d nodes and relationships", len(got))
	}
}
