package graph_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/internal/pgtest"
)

// fragmentBomb spreads each fragment twice in the next, so the query's text
// grows linearly and its expansion as 2^levels.
func fragmentBomb(levels int) string {
	var b strings.Builder
	b.WriteString("{ ...F0 }\nfragment F1 on Query { stats { sources } }\n")
	for i := 2; i <= levels; i++ {
		fmt.Fprintf(&b, "fragment F%d on Query { ...F%d ...F%d }\n", i, i-1, i-1)
	}
	fmt.Fprintf(&b, "fragment F0 on Query { ...F%d }\n", levels)
	return b.String()
}

// TestHostileDocuments holds queries that once took minutes before they ran
// (fragment doubling, thousands of repeated fields) or exhausted memory
// (unbounded timelines): each is refused or answered at once. The bound is
// generous for a loaded machine; it tells milliseconds from minutes.
func TestHostileDocuments(t *testing.T) {
	t.Run("memory", func(t *testing.T) { hostileDocuments(t, pgtest.Seed(t)) })
	t.Run("neo4j", func(t *testing.T) { hostileDocuments(t, neo4jSeed(t)) })
}

func hostileDocuments(t *testing.T, seed pg.Store) {
	h := newHandler(graph.Config{Timeout: 2 * time.Second}, seed)
	repeated := "{ " + strings.Repeat("stats { sources } ", 12000) + "}"
	aliases := func(n int, field string) string {
		var b strings.Builder
		b.WriteString("{ ")
		for i := range n {
			fmt.Fprintf(&b, "a%d: %s ", i, field)
		}
		return b.String() + "}"
	}
	tests := []struct {
		name, query, code string
	}{
		{"fragment doubling, 26 levels", fragmentBomb(26), "DOCUMENT_LIMIT_EXCEEDED"},
		{"12,000 repeated fields", repeated, "DOCUMENT_LIMIT_EXCEEDED"},
		{"100,000 tokens", "{ " + strings.Repeat("stats ", 100000) + "}", "DOCUMENT_LIMIT_EXCEEDED"},
		{"aliases multiply cost", aliases(60, `neighborhood(id: "country/mexico", depth: 3, limit: 1000) { nodes { id } edges { id } }`), "COMPLEXITY_LIMIT_EXCEEDED"},
		{"timeline first 0 asks for nothing", `{ timeline(first: 0) { date } }`, ""},
		// Neo4j's full-text index fails past a thousand clauses.
		{"5,000-word search", `{ search(text: "` + strings.Repeat("mexico ", 5000) + `") { totalCount } }`, "BAD_USER_INPUT"},
		{"hubDegree out of range", `{ neighborhood(id: "country/mexico", hubDegree: 0) { truncated } }`, "BAD_USER_INPUT"},
		{"a small fragment tree is fine", fragmentBomb(5), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			resp := do(t, h, tt.query, nil)
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("took %s", d)
			}
			if resp.Code() != tt.code {
				t.Errorf("code = %q, want %q: %.300s", resp.Code(), tt.code, resp.Raw)
			}
		})
	}
}

func TestTimelineFirstZero(t *testing.T) {
	resp := do(t, newHandler(graph.Config{}, pgtest.Seed(t)), `{ timeline(first: 0) { date } }`, nil)
	if len(resp.Errors) > 0 || string(resp.Data["timeline"]) != "[]" {
		t.Errorf("timeline(first: 0) = %s, want []", resp.Raw)
	}
}
