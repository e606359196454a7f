package loader_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	neo4jdrv "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/data"
	"github.com/policygraph/policygraph/dataset"
	"github.com/policygraph/policygraph/gen"
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
// and all, in a fixed order, so two states can be compared exactly. The
// lock node that serialises lease changes is left out: taking the lease
// stamps it.
func snapshot(t *testing.T, driver neo4jdrv.DriverWithContext, db string) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	for _, q := range []string{
		"MATCH (n) WHERE NOT n:_LoadLock RETURN [l IN labels(n) WHERE true | l] AS what, properties(n) AS props ORDER BY n.id, n._target",
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

func (f *failing) WriteAtomic(ctx context.Context, l pg.Lease, fill func(context.Context, func(pg.Batch) error) error) (pg.WriteCounts, error) {
	return f.LoadTarget.WriteAtomic(ctx, l, func(ctx context.Context, write func(pg.Batch) error) error {
		return fill(ctx, func(b pg.Batch) error {
			if err := f.tick(); err != nil {
				return err
			}
			return write(b)
		})
	})
}

func (f *failing) BeginStaged(ctx context.Context, l pg.Lease) (pg.StagedLoad, error) {
	st, err := f.LoadTarget.BeginStaged(ctx, l)
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

// dead plays a loader killed midway (or cut off by Neo4j going down): it
// takes the lease on a store whose lease runs out after ttl and is never
// renewed in time, begins a staged load and writes the batch, and is
// then neither committed nor rolled back.
func dead(t *testing.T, driver neo4jdrv.DriverWithContext, db string, ttl time.Duration, b pg.Batch) (pg.Lease, pg.StagedLoad) {
	t.Helper()
	ctx := context.Background()
	s := neo4j.New(driver, db)
	s.SetLease(ttl, time.Hour)
	l, err := s.Acquire(ctx, "interrupted")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Release(ctx) })
	st, err := s.BeginStaged(ctx, l)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Write(ctx, b); err != nil {
		t.Fatal(err)
	}
	return l, st
}

// TestInterruptedStagedLoadIsRolledBackByTheNext: the load of a loader that
// died is left alone while its lease is live, and rolled back by the next
// load once the lease expired.
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
	l, st := dead(t, driver, db, 3*time.Second, pg.Batch{Sources: ds.Sources, Entities: ds.Entities})
	mid := snapshot(t, driver, db)
	if slices.Equal(before, mid) {
		t.Fatal("the staged batch changed nothing; the test proves nothing")
	}

	// While the lease is live, neither recovery nor a load touches it.
	_, err = loader.Recover(ctx, s, loader.Options{})
	var busy *pg.LoadBusyError
	if !errors.As(err, &busy) || busy.LoadID != "interrupted" || busy.State != "writing" || busy.Owner == "" {
		t.Fatalf("recover during a live lease = %v, want a LoadBusyError naming the writing load", err)
	}
	if _, err := loader.Load(ctx, s, []dataset.File{write(t, "c.yaml", "sources:\n  - {id: source/c, title: C}\n")}, loader.Options{}); !errors.As(err, &busy) {
		t.Fatalf("load during a live lease = %v, want a LoadBusyError", err)
	}
	if now := snapshot(t, driver, db); !slices.Equal(mid, now) {
		t.Errorf("refused loads changed the database:\nbefore %q\nafter  %q", mid, now)
	}

	time.Sleep(time.Until(l.Expires()) + 100*time.Millisecond)
	recovered, err := loader.Recover(ctx, s, loader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(recovered) != 1 || recovered[0].ID != "interrupted" || recovered[0].Committed {
		t.Errorf("recovered %+v, want [interrupted] rolled back", recovered)
	}
	if after := snapshot(t, driver, db); !slices.Equal(before, after) {
		t.Errorf("recovery left changes:\nbefore %q\nafter  %q", before, after)
	}

	// The loader was not dead after all: it must neither commit nor roll
	// back what is no longer its own.
	if err := st.Commit(ctx); !errors.Is(err, pg.ErrLeaseLost) {
		t.Errorf("commit after the lease was taken over = %v, want ErrLeaseLost", err)
	}
	if err := st.Rollback(ctx); !errors.Is(err, pg.ErrLeaseLost) {
		t.Errorf("rollback after the lease was taken over = %v, want ErrLeaseLost", err)
	}
}

// TestRenewedLeaseOutlivesItsTTL: a holder that renews keeps the lease
// however long it runs.
func TestRenewedLeaseOutlivesItsTTL(t *testing.T) {
	_, driver, db := open(t)
	ctx := context.Background()
	s := neo4j.New(driver, db)
	// A renewal may take up to a beat: 200 ms timed out on a busy
	// machine (load average 25 on 2 cores), so the lease ran out.
	s.SetLease(2*time.Second, 500*time.Millisecond)
	l, err := s.Acquire(ctx, "alive")
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Second)
	var busy *pg.LoadBusyError
	if _, err := neo4j.New(driver, db).Acquire(ctx, "second"); !errors.As(err, &busy) || busy.LoadID != "alive" {
		t.Errorf("acquire after 2.5 TTLs of renewal = %v, want busy with load alive", err)
	}
	if err := l.Release(ctx); err != nil {
		t.Fatal(err)
	}
	l2, err := neo4j.New(driver, db).Acquire(ctx, "second")
	if err != nil {
		t.Fatalf("acquire after release: %v", err)
	}
	_ = l2.Release(ctx)
}

// TestAtomicLoadEndsQuietly: an atomic load deletes its lease record as
// it commits; a renewal between that commit and the release (a beat on a
// busy machine, or one that waited on the commit's lock) must not report
// the lease "taken over by another process".
func TestAtomicLoadEndsQuietly(t *testing.T) {
	s, _, _ := open(t)
	ctx := context.Background()
	var logs syncBuffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, nil)))
	defer slog.SetDefault(prev)
	// A renewal may take as long as a beat, which must be long enough
	// for a busy machine, or it fails for another reason.
	s.SetLease(20*time.Second, 250*time.Millisecond)
	lease, err := s.Acquire(ctx, "quiet")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.WriteAtomic(ctx, lease, func(context.Context, func(pg.Batch) error) error { return nil }); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond) // a few renewals find the record gone
	if err := lease.Release(ctx); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(logs.String(), "taken over") {
		t.Errorf("a load that committed logged:\n%s", logs.String())
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

// hooked runs hook once, before the staged batch number at (from 1).
type hooked struct {
	pg.LoadTarget
	at   int
	hook func()
	n    int
}

func (h *hooked) BeginStaged(ctx context.Context, l pg.Lease) (pg.StagedLoad, error) {
	st, err := h.LoadTarget.BeginStaged(ctx, l)
	return &hookedStage{StagedLoad: st, h: h}, err
}

type hookedStage struct {
	pg.StagedLoad
	h *hooked
}

func (s *hookedStage) Write(ctx context.Context, b pg.Batch) (pg.WriteCounts, error) {
	if s.h.n++; s.h.n == s.h.at {
		s.h.hook()
	}
	return s.StagedLoad.Write(ctx, b)
}

// syncBuffer is a bytes.Buffer that two goroutines may write.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *syncBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// TestConcurrentLoadsWaitOrRefuse runs a second load while a staged load is
// in progress: without --wait it is refused, naming the running load; with
// it, it waits and writes after the first committed. Nothing of either is
// lost.
func TestConcurrentLoadsWaitOrRefuse(t *testing.T) {
	s, driver, db := open(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "big.jsonl")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	stats, err := gen.Generate(ctx, f, gen.Config{Nodes: 2000, Relationships: 4000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	f.Close()

	small := write(t, "c.yaml", "sources:\n  - {id: source/c, title: C}\nentities:\n  - {id: person/c, kind: Person, name: Cee}\n")
	var refused error
	var waitLog syncBuffer
	var waited sync.WaitGroup
	var waitErr error
	var waitEnd time.Time
	target := &hooked{LoadTarget: s, at: 3, hook: func() {
		_, refused = loader.Load(ctx, s, []dataset.File{small}, loader.Options{})
		waited.Add(1)
		go func() {
			defer waited.Done()
			_, waitErr = loader.Load(ctx, s, []dataset.File{small}, loader.Options{Wait: 2 * time.Minute,
				Logger: slog.New(slog.NewTextHandler(&waitLog, nil))})
			waitEnd = time.Now()
		}()
		time.Sleep(1500 * time.Millisecond) // the waiting load has asked at least once
	}}
	first, err := loader.Load(ctx, target, dataset.Paths(path), loader.Options{BatchSize: 500, AtomicLimit: 100})
	firstEnd := time.Now()
	if err != nil {
		t.Fatalf("the first load: %v", err)
	}
	if !first.Staged || target.n < 3 {
		t.Fatalf("staged = %v after %d batches; the second load never ran during the first", first.Staged, target.n)
	}
	waited.Wait()

	var busy *pg.LoadBusyError
	if !errors.As(refused, &busy) || busy.LoadID != first.LoadID || busy.State != "writing" || busy.Owner == "" || !busy.Expires.After(time.Now().Add(-time.Minute)) {
		t.Errorf("a load without --wait during a staged load = %v, want a LoadBusyError naming %s", refused, first.LoadID)
	}
	if waitErr != nil {
		t.Errorf("a load with --wait: %v", waitErr)
	}
	if waitEnd.Before(firstEnd) {
		t.Errorf("the waiting load ended at %v, before the first (%v)", waitEnd, firstEnd)
	}
	if !strings.Contains(waitLog.String(), "waiting for another load") || !strings.Contains(waitLog.String(), first.LoadID) {
		t.Errorf("the waiting load said %q, want a message naming %s", waitLog.String(), first.LoadID)
	}

	res, err := neo4jdrv.ExecuteQuery(ctx, driver, `CALL () { MATCH (n:Entity) RETURN count(n) AS entities }
CALL () { MATCH (n:Source) RETURN count(n) AS sources }
CALL () { MATCH (n) WHERE n:_Load OR n:_Backup OR n:_Staged OR n:_Shadow RETURN count(n) AS left }
RETURN entities, sources, left`, nil, neo4jdrv.EagerResultTransformer, neo4jdrv.ExecuteQueryWithDatabase(db))
	if err != nil {
		t.Fatal(err)
	}
	got := res.Records[0].AsMap()
	want := map[string]any{"entities": int64(stats.Nodes() - stats.Sources + 1), "sources": int64(stats.Sources + 1), "left": int64(0)}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("after both loads the database holds %v, want %v", got, want)
	}
}

// sourceD changes what sourceA stored (a source's title, an entity's
// aliases and evidence, a relationship's dates) and adds records of every
// sort: a node, a relationship with a new end, relationships between two
// nodes that existed (ACCUSED, and MENTIONS of country/y by source/a).
const sourceD = `sources:
  - {id: source/a, title: A revised}
  - {id: source/b, title: B}
entities:
  - id: person/x
    kind: Person
    name: Xavier
    aliases: [President Xavier]
    evidence: [{source: source/b, quote: "President Xavier"}]
  - id: country/y
    kind: Country
    name: Ysland
    evidence: [{source: source/a, quote: "Ysland"}]
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
  - type: ACCUSED
    from: person/x
    to: country/y
    allegation: fraud
    evidence: [{source: source/a, quote: "Xavier accused Ysland"}]
`

// visible renders what a reader can see: the nodes labelled as entities or
// sources, and the relationships whose both ends are, with every property
// but createdBy (load IDs differ from load to load).
func visible(t *testing.T, driver neo4jdrv.DriverWithContext, db string) []string {
	t.Helper()
	return render(t, driver, db,
		"MATCH (n) WHERE n:Entity OR n:Source RETURN labels(n) AS what, properties(n) AS props ORDER BY n.id",
		"MATCH (a)-[r]->(b) WHERE (a:Entity OR a:Source) AND (b:Entity OR b:Source) RETURN [type(r), a.id, b.id] AS what, properties(r) AS props ORDER BY r.id")
}

func render(t *testing.T, driver neo4jdrv.DriverWithContext, db string, queries ...string) []string {
	t.Helper()
	var out []string
	for _, q := range queries {
		res, err := neo4jdrv.ExecuteQuery(context.Background(), driver, q, nil, neo4jdrv.EagerResultTransformer, neo4jdrv.ExecuteQueryWithDatabase(db))
		if err != nil {
			t.Fatalf("render: %v", err)
		}
		for _, r := range res.Records {
			what, _ := r.Get("what")
			props, _ := r.Get("props")
			m, _ := props.(map[string]any)
			delete(m, "createdBy")
			out = append(out, fmt.Sprint(what, m))
		}
	}
	return out
}

// leftovers counts what staged loads leave while unfinished.
func leftovers(t *testing.T, driver neo4jdrv.DriverWithContext, db string) int64 {
	t.Helper()
	res, err := neo4jdrv.ExecuteQuery(context.Background(), driver,
		"MATCH (n) WHERE n:_Staged OR n:_Shadow OR n:_Load OR n:_Backup RETURN count(n) AS n", nil,
		neo4jdrv.EagerResultTransformer, neo4jdrv.ExecuteQueryWithDatabase(db))
	if err != nil {
		t.Fatal(err)
	}
	n, _ := res.Records[0].Get("n")
	return n.(int64)
}

// watched calls onWrite before every staged batch and onCommit before the
// commit.
type watched struct {
	pg.LoadTarget
	onWrite, onCommit func()
}

func (w *watched) BeginStaged(ctx context.Context, l pg.Lease) (pg.StagedLoad, error) {
	st, err := w.LoadTarget.BeginStaged(ctx, l)
	return &watchedStage{StagedLoad: st, w: w}, err
}

type watchedStage struct {
	pg.StagedLoad
	w *watched
}

func (s *watchedStage) Write(ctx context.Context, b pg.Batch) (pg.WriteCounts, error) {
	s.w.onWrite()
	return s.StagedLoad.Write(ctx, b)
}

func (s *watchedStage) Commit(ctx context.Context) error {
	s.w.onCommit()
	return s.StagedLoad.Commit(ctx)
}

// TestStagedLoadIsInvisibleUntilCommitAndEqualsAtomic: readers see the old
// graph, exactly, after every batch of a staged load and just before its
// commit; after the commit the graph is what an atomic load makes.
func TestStagedLoadIsInvisibleUntilCommitAndEqualsAtomic(t *testing.T) {
	tests := []struct {
		name        string
		first, then []dataset.File
	}{
		{"changes and additions", []dataset.File{write(t, "a.yaml", sourceA)}, []dataset.File{write(t, "d.yaml", sourceD)}},
		{"merging sources", []dataset.File{write(t, "a.yaml", sourceA)}, []dataset.File{write(t, "b.yaml", sourceB), write(t, "d.yaml", sourceD)}},
		{"the seed into nothing", nil, data.Seed()},
		{"the seed over itself", data.Seed(), data.Seed()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, driver, db := open(t)
			ctx := context.Background()
			if tt.first != nil {
				if _, err := loader.Load(ctx, s, tt.first, loader.Options{}); err != nil {
					t.Fatal(err)
				}
			}
			before := visible(t, driver, db)
			people, err := s.Entities(ctx, []string{"person/x", "person/z", "person/claudia-sheinbaum"})
			if err != nil {
				t.Fatal(err)
			}
			check := func(when string) {
				if now := visible(t, driver, db); !slices.Equal(before, now) {
					t.Errorf("%s, readers see a change:\nbefore %q\nnow    %q", when, before, now)
				}
				got, err := s.Entities(ctx, []string{"person/x", "person/z", "person/claudia-sheinbaum"})
				if err != nil || show(got) != show(people) {
					t.Errorf("%s, Entities = %s, %v; want %s", when, show(got), err, show(people))
				}
			}
			batches := 0
			target := &watched{LoadTarget: s,
				onWrite: func() {
					if batches++; batches > 1 {
						check(fmt.Sprintf("after staged batch %d", batches-1))
					}
				},
				onCommit: func() { check("before the commit") }}
			res, err := loader.Load(ctx, target, tt.then, loader.Options{BatchSize: 2, AtomicLimit: 1})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Staged || batches < 3 {
				t.Fatalf("staged = %v in %d batches; want a staged load of several", res.Staged, batches)
			}
			staged := visible(t, driver, db)
			if tt.first != nil && tt.name != "the seed over itself" && slices.Equal(before, staged) {
				t.Error("the load changed nothing; the test proves nothing")
			}
			if n := leftovers(t, driver, db); n != 0 {
				t.Errorf("the committed load left %d staging nodes", n)
			}

			neo4jtest.Wipe(t, ctx, driver, db)
			for _, fs := range [][]dataset.File{tt.first, tt.then} {
				if fs != nil {
					if _, err := loader.Load(ctx, s, fs, loader.Options{}); err != nil {
						t.Fatal(err)
					}
				}
			}
			if atomic := visible(t, driver, db); !slices.Equal(staged, atomic) {
				t.Errorf("the staged load made a graph other than the atomic one:\nstaged %q\natomic %q", staged, atomic)
			}
		})
	}
}

// show renders entities by value.
func show(es []*pg.Entity) string {
	var b strings.Builder
	for _, e := range es {
		if e == nil {
			b.WriteString("<nil> ")
			continue
		}
		fmt.Fprintf(&b, "%+v ", *e)
	}
	return b.String()
}

// TestCommitCutOffIsFinishedByRecovery: a loader that died while applying
// its commit leaves a load that recovery commits, resuming where it
// stopped, into the graph a whole load makes.
func TestCommitCutOffIsFinishedByRecovery(t *testing.T) {
	s, driver, db := open(t)
	ctx := context.Background()
	a := []dataset.File{write(t, "a.yaml", sourceA)}
	if _, err := loader.Load(ctx, s, a, loader.Options{}); err != nil {
		t.Fatal(err)
	}
	before := visible(t, driver, db)
	ds, err := dataset.Load(ctx, []dataset.File{write(t, "d.yaml", sourceD)}, dataset.Options{Existing: s.Existing})
	if err != nil {
		t.Fatal(err)
	}
	batch := pg.Batch{Sources: ds.Sources, Entities: ds.Entities, Relationships: ds.Relationships}
	l, _ := dead(t, driver, db, 2*time.Second, batch)

	// Cut off after the commit began and applied its first step in part:
	// one shadow applied, one staged node labelled.
	for _, q := range []string{
		"MATCH (l:_Load {id: 'interrupted'}) SET l.state = 'committing'",
		`MATCH (x:_Shadow {_load: 'interrupted', _label: 'Source'}) WITH x LIMIT 1
		 MATCH (n:Source {id: x._target}) SET n = properties(x) REMOVE n._load, n._target, n._label DELETE x`,
		"MATCH (n:_Staged {id: 'person/z'}) SET n:Entity:Person REMOVE n:_Staged, n._label",
	} {
		if _, err := neo4jdrv.ExecuteQuery(ctx, driver, q, nil, neo4jdrv.EagerResultTransformer, neo4jdrv.ExecuteQueryWithDatabase(db)); err != nil {
			t.Fatal(err)
		}
	}
	if slices.Equal(before, visible(t, driver, db)) {
		t.Fatal("the partial commit changed nothing; the test proves nothing")
	}
	time.Sleep(time.Until(l.Expires()) + 100*time.Millisecond)
	recovered, err := loader.Recover(ctx, s, loader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(recovered) != 1 || !recovered[0].Committed {
		t.Errorf("recovered %+v, want the load committed", recovered)
	}
	if n := leftovers(t, driver, db); n != 0 {
		t.Errorf("recovery left %d staging nodes", n)
	}
	got := visible(t, driver, db)

	neo4jtest.Wipe(t, ctx, driver, db)
	if _, err := loader.Load(ctx, s, a, loader.Options{}); err != nil {
		t.Fatal(err)
	}
	lease, err := s.Acquire(ctx, "whole")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = lease.Release(ctx) }() // the test is over; a next test takes the lease anew
	if _, err := s.WriteAtomic(ctx, lease, func(ctx context.Context, write func(pg.Batch) error) error { return write(batch) }); err != nil {
		t.Fatal(err)
	}
	if want := visible(t, driver, db); !slices.Equal(got, want) {
		t.Errorf("the recovered commit made another graph than a whole load:\ngot  %q\nwant %q", got, want)
	}
}
