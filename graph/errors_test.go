package graph_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/internal/pgtest"
)

// secret stands for what a store's errors may hold and clients must never
// see: Cypher, driver messages, stack traces.
const secret = "MATCH (n:Entity) neo4j: connection refused at bolt://10.0.0.7"

func TestErrorCodes(t *testing.T) {
	seed := pgtest.Seed(t)
	manyIDs := make([]string, 101)
	for i := range manyIDs {
		manyIDs[i] = fmt.Sprintf("person/p%d", i)
	}
	unavailable := pgtest.Failing(func(context.Context) error {
		return fmt.Errorf("run query %q: %w", secret, pg.ErrUnavailable)
	})
	broken := pgtest.Failing(func(context.Context) error { return errors.New(secret) })
	panicking := pgtest.Failing(func(context.Context) error { panic(secret) })

	tests := []struct {
		name   string
		store  pg.Store
		query  string
		vars   map[string]any
		code   string
		status int // 0: 200
	}{
		{"unknown entity", seed, `{ entity(id: "person/nobody") { id } }`, nil, "NOT_FOUND", 0},
		{"unknown source", seed, `{ source(id: "source/none") { id } }`, nil, "NOT_FOUND", 0},
		{"unknown relationship", seed, `{ relationship(id: "a|LEADS|b") { id } }`, nil, "NOT_FOUND", 0},
		{"unknown centre", seed, `{ neighborhood(id: "country/atlantis") { truncated } }`, nil, "NOT_FOUND", 0},
		{"unknown path end", seed, `{ shortestPath(from: "country/mexico", to: "country/atlantis") { length } }`, nil, "NOT_FOUND", 0},
		{"unknown timeline entity", seed, `{ timeline(entity: "country/atlantis") { date } }`, nil, "NOT_FOUND", 0},

		{"depth over max", seed, `{ neighborhood(id: "country/mexico", depth: 4) { truncated } }`, nil, "BAD_USER_INPUT", 0},
		{"depth zero", seed, `{ neighborhood(id: "country/mexico", depth: 0) { truncated } }`, nil, "BAD_USER_INPUT", 0},
		{"limit over max", seed, `{ neighborhood(id: "country/mexico", limit: 1001) { truncated } }`, nil, "BAD_USER_INPUT", 0},
		{"maxHops over max", seed, `{ shortestPath(from: "country/mexico", to: "country/china", maxHops: 7) { length } }`, nil, "BAD_USER_INPUT", 0},
		{"paths maxHops over max", seed, `{ paths(from: "country/mexico", to: "country/china", maxHops: 7) { length } }`, nil, "BAD_USER_INPUT", 0},
		{"first over max", seed, `{ people(first: 101) { totalCount } }`, nil, "BAD_USER_INPUT", 0},
		{"first negative", seed, `{ countries(first: -1) { totalCount } }`, nil, "BAD_USER_INPUT", 0},
		{"nested first over max", seed, `{ entity(id: "country/mexico") { relationships(first: 500) { totalCount } } }`, nil, "BAD_USER_INPUT", 0},
		{"timeline first over max", seed, `{ timeline(first: 101) { date } }`, nil, "BAD_USER_INPUT", 0},
		{"too many ids", seed, `query($ids: [ID!]!) { entities(ids: $ids) { id } }`, map[string]any{"ids": manyIDs}, "BAD_USER_INPUT", 0},
		{"bad cursor", seed, `{ people(after: "not-a-cursor") { totalCount } }`, nil, "BAD_USER_INPUT", 0},
		{"forged cursor", seed, `{ people(after: "b2Zmc2V0Oi01") { totalCount } }`, nil, "BAD_USER_INPUT", 0}, // "offset:-5"
		{"bad date literal", seed, `{ policies(from: "2025-13") { totalCount } }`, nil, "BAD_USER_INPUT", 0},
		{"bad date variable", seed, `query($d: Date) { timeline(from: $d) { date } }`, map[string]any{"d": "March 2025"}, "BAD_USER_INPUT", 0},
		{"impossible date", seed, `{ policies(to: "2025-02-30") { totalCount } }`, nil, "BAD_USER_INPUT", 0},
		{"empty search", seed, `{ search(text: "  ") { totalCount } }`, nil, "BAD_USER_INPUT", 0},
		{"punctuation search", seed, `{ search(text: "--") { totalCount } }`, nil, "BAD_USER_INPUT", 0},
		{"source type in relationships", seed, `{ entity(id: "person/jd-vance") { relationships(types: [QUOTED_IN]) { totalCount } } }`, nil, "BAD_USER_INPUT", 0},
		{"source type in neighbourhood", seed, `{ neighborhood(id: "country/mexico", types: [MENTIONS]) { truncated } }`, nil, "BAD_USER_INPUT", 0},

		{"unavailable, batched", unavailable, `{ entity(id: "country/mexico") { id } }`, nil, "UNAVAILABLE", 0},
		{"unavailable, direct", unavailable, `{ search(text: "mexico") { totalCount } }`, nil, "UNAVAILABLE", 0},
		{"store error, batched", broken, `{ entity(id: "country/mexico") { id } }`, nil, "INTERNAL", 0},
		{"store error, direct", broken, `{ stats { entities } }`, nil, "INTERNAL", 0},
		{"store panic, batched", panicking, `{ entity(id: "country/mexico") { id } }`, nil, "INTERNAL", 0},
		{"store panic, direct", panicking, `{ people { totalCount } }`, nil, "INTERNAL", 0},

		{"syntax error", seed, `{ entity(id: "x" { id } }`, nil, "GRAPHQL_PARSE_FAILED", http.StatusUnprocessableEntity},
		{"unknown field", seed, `{ entity(id: "x") { shoeSize } }`, nil, "GRAPHQL_VALIDATION_FAILED", http.StatusUnprocessableEntity},
		{"unknown enum value", seed, `{ organizations(types: [BAKERY]) { totalCount } }`, nil, "GRAPHQL_VALIDATION_FAILED", http.StatusUnprocessableEntity},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := do(t, newHandler(graph.Config{}, tt.store), tt.query, tt.vars)
			want := tt.status
			if want == 0 {
				want = http.StatusOK
			}
			if resp.Status != want {
				t.Errorf("status = %d, want %d", resp.Status, want)
			}
			if resp.Code() != tt.code {
				t.Errorf("code = %q, want %q; response: %s", resp.Code(), tt.code, resp.Raw)
			}
			for _, leak := range []string{"MATCH", "neo4j", "bolt", "goroutine", "panic", ".go:"} {
				if strings.Contains(resp.Raw, leak) {
					t.Errorf("response leaks %q: %s", leak, resp.Raw)
				}
			}
		})
	}
}

// A store that outlives the request's deadline yields TIMEOUT, not a
// hung request.
func TestTimeout(t *testing.T) {
	// Like the Neo4j driver after its retries, the store's error does not
	// wrap ctx.Err().
	slow := pgtest.Failing(func(ctx context.Context) error {
		<-ctx.Done()
		return errors.New("TransactionExecutionLimit: context deadline exceeded after 2 attempts")
	})
	h := newHandler(graph.Config{Timeout: 50 * time.Millisecond}, slow)
	start := time.Now()
	resp := do(t, h, `{ entity(id: "country/mexico") { id } }`, nil)
	if resp.Code() != "TIMEOUT" || !strings.Contains(resp.Errors[0].Message, "timed out") {
		t.Errorf("got %s, want TIMEOUT, timed out", resp.Raw)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s", d)
	}
}

// An error in one field leaves the rest of the response intact.
func TestPartialErrors(t *testing.T) {
	resp := do(t, newHandler(graph.Config{}, pgtest.Seed(t)),
		`{ a: entity(id: "country/mexico") { name } b: entity(id: "country/atlantis") { name } }`, nil)
	if string(resp.Data["a"]) != `{"name":"Mexico"}` || string(resp.Data["b"]) != "null" {
		t.Errorf("data = %s", resp.Raw)
	}
	if resp.Code() != "NOT_FOUND" || fmt.Sprint(resp.Errors[0].Path) != "[b]" {
		t.Errorf("errors = %s", resp.Raw)
	}
}
