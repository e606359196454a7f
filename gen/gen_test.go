package gen

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/dataset"
)

func generate(t *testing.T, cfg Config) ([]byte, Stats) {
	t.Helper()
	var buf bytes.Buffer
	st, err := Generate(context.Background(), &buf, cfg)
	if err != nil {
		t.Fatalf("Generate(%+v): %v", cfg, err)
	}
	if st.Bytes != int64(buf.Len()) {
		t.Errorf("Stats.Bytes = %d, wrote %d", st.Bytes, buf.Len())
	}
	return buf.Bytes(), st
}

func TestDeterministic(t *testing.T) {
	cfg := Config{Nodes: 2000, Relationships: 6000, Seed: 7}
	a, _ := generate(t, cfg)
	b, _ := generate(t, cfg)
	if !bytes.Equal(a, b) {
		t.Fatal("same seed, different output")
	}
	cfg.Seed = 8
	c, _ := generate(t, cfg)
	if bytes.Equal(a, c) {
		t.Fatal("different seeds, same output")
	}
}

// TestValidAndExact checks that the output passes validation with no
// problem and holds exactly the records asked for, at sizes down to the
// degenerate ones where some kinds are missing.
func TestValidAndExact(t *testing.T) {
	for _, cfg := range []Config{
		{}, {Nodes: 1}, {Nodes: 1, Relationships: 5}, {Nodes: 3, Relationships: 20},
		{Nodes: 10, Relationships: 30}, {Nodes: 120, Relationships: 1000},
		{Nodes: 5000, Relationships: 15000, Seed: 42},
	} {
		data, st := generate(t, cfg)
		path := filepath.Join(t.TempDir(), "graph.jsonl")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		sum, err := dataset.Check(context.Background(), dataset.Paths(path), dataset.Options{})
		if err != nil {
			t.Fatalf("%+v: %v", cfg, err)
		}
		if sum.ForwardRefs {
			t.Errorf("%+v: output refers ahead", cfg)
		}
		if got := st.Nodes() - st.Sources; got != cfg.Nodes {
			t.Errorf("%+v: %d entities, want %d", cfg, got, cfg.Nodes)
		}
		if got := st.Rels(); got != cfg.Relationships {
			t.Errorf("%+v: %d relationships, want %d", cfg, got, cfg.Relationships)
		}
		if sum.Sources != st.Sources {
			t.Errorf("%+v: validator counts %d sources, stats %d", cfg, sum.Sources, st.Sources)
		}
		for _, k := range pg.Kinds {
			if sum.Entities[k] != st.Entities[k] {
				t.Errorf("%+v: validator counts %d %s, stats %d", cfg, sum.Entities[k], k, st.Entities[k])
			}
		}
		for _, rt := range pg.RelTypes() {
			want := st.Relationships[rt]
			if rt == pg.Mentions {
				want = st.Mentions
			}
			if sum.Relationships[rt] != want {
				t.Errorf("%+v: validator counts %d %s, stats %d", cfg, sum.Relationships[rt], rt, want)
			}
		}
	}
}

// TestShape checks the composition: sources per 10k nodes, every kind and
// most types present, hubs with a large share of the edges, accents and
// aliases for search.
func TestShape(t *testing.T) {
	data, st := generate(t, Config{Nodes: 20000, Relationships: 60000, Seed: 1})
	if st.Sources != 2 {
		t.Errorf("%d sources for 20k nodes, want 2", st.Sources)
	}
	for _, k := range pg.Kinds {
		if st.Entities[k] == 0 {
			t.Errorf("no %s", k)
		}
	}
	for _, rt := range pg.RelTypes() {
		if rt != pg.Mentions && st.Relationships[rt] == 0 {
			t.Errorf("no %s relationship", rt)
		}
	}
	top := 0
	for line := range strings.Lines(string(data)) {
		if strings.Contains(line, `"to":"country/c-0000000"`) || strings.Contains(line, `"to":"organization/org-0000000"`) {
			top++
		}
	}
	if share := float64(top) / 60000; share < 0.05 {
		t.Errorf("the top country and organization end %.1f%% of the relationships, want a hub's share (≥ 5%%)", 100*share)
	}
	for _, want := range []string{"ó", "ñ", `"aliases"`, `"key"`, `"role"`, `"rank"`, `"allegation"`} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("output has no %s", want)
		}
	}
}

// TestOptionsAllowed checks the generator's table against the vocabulary,
// including the degenerate ends that validation alone might not reach.
func TestOptionsAllowed(t *testing.T) {
	for from, opts := range options {
		for _, o := range opts {
			spec, ok := pg.Spec(o.t)
			if !ok {
				t.Fatalf("unknown type %s", o.t)
			}
			for _, e := range o.ends {
				if e.k == source {
					if !spec.ToSource || !slices.Contains(spec.From, pgKinds[from]) {
						t.Errorf("%s from %s to a source is not allowed", o.t, pgKinds[from])
					}
					continue
				}
				if !spec.Allows(pgKinds[from], pgKinds[e.k]) {
					t.Errorf("%s from %s to %s is not allowed", o.t, pgKinds[from], pgKinds[e.k])
				}
			}
		}
	}
}

func TestGenerateErrors(t *testing.T) {
	for _, cfg := range []Config{{Nodes: -1}, {Relationships: -1}, {Relationships: 1}} {
		if _, err := Generate(context.Background(), &bytes.Buffer{}, cfg); err == nil {
			t.Errorf("Generate(%+v): no error", cfg)
		}
	}
}
