package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/internal/pgtest"
	"github.com/policygraph/policygraph/server"
)

// downStore is a store whose database cannot be reached: every call fails
// with a driver's message wrapping ErrUnavailable.
type downStore struct{ pg.Store }

var errDown = fmt.Errorf("neo4j: dial tcp 10.0.0.7:7687: connection refused: %w", pg.ErrUnavailable)

func (downStore) Ping(context.Context) error { return errDown }
func (downStore) Entities(context.Context, []string) ([]*pg.Entity, error) {
	return nil, errDown
}

// hungStore never answers a ping in time, and its error does not say so.
type hungStore struct{ pg.Store }

func (hungStore) Ping(ctx context.Context) error {
	<-ctx.Done()
	return errors.New("TransactionExecutionLimit: gave up after 2 attempts")
}

// panicStore panics in Search, as a buggy store might.
type panicStore struct{ pg.Store }

func (panicStore) Search(context.Context, pg.SearchQuery, pg.Page) (pg.SearchPage, error) {
	panic("index out of range in cypher builder")
}

func newServer(t *testing.T, cfg server.Config, s pg.Store) *server.Server {
	t.Helper()
	return server.New(cfg, s, slog.New(slog.DiscardHandler))
}

func get(t *testing.T, h http.Handler, path string, header ...string) *http.Response {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Result()
}

func post(t *testing.T, h http.Handler, query string) *http.Response {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(string(body)))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Result()
}

func body(t *testing.T, r *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestHealthAndReadiness(t *testing.T) {
	up := newServer(t, server.Config{}, pgtest.Seed(t))
	down := newServer(t, server.Config{}, downStore{pgtest.Seed(t)})
	tests := []struct {
		name   string
		h      http.Handler
		path   string
		status int
		want   string
	}{
		{"alive", up, "/healthz", 200, `"status":"ok"`},
		{"alive while the store is down", down, "/healthz", 200, `"status":"ok"`},
		{"ready", up, "/readyz", 200, `"status":"ok"`},
		{"not ready", down, "/readyz", 503, `"reason":"the graph store is unavailable"`},
		{"store hangs", newServer(t, server.Config{ReadyTimeout: 50 * time.Millisecond}, hungStore{pgtest.Seed(t)}),
			"/readyz", 503, `"reason":"the graph store did not answer within 50ms"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := get(t, tt.h, tt.path)
			b := body(t, resp)
			if resp.StatusCode != tt.status || !strings.Contains(b, tt.want) {
				t.Errorf("%s: %d %s, want %d with %s", tt.path, resp.StatusCode, b, tt.status, tt.want)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			if strings.Contains(b, "10.0.0.7") {
				t.Errorf("leaks the driver's error: %s", b)
			}
		})
	}
}

func TestGraphQLOverHTTP(t *testing.T) {
	s := newServer(t, server.Config{}, pgtest.Seed(t))
	t.Run("GET", func(t *testing.T) {
		resp := get(t, s, `/graphql?query={entity(id:"country/mexico"){name}}`)
		if b := body(t, resp); resp.StatusCode != 200 || b != `{"data":{"entity":{"name":"Mexico"}}}` {
			t.Errorf("%d %s", resp.StatusCode, b)
		}
	})
	t.Run("POST", func(t *testing.T) {
		resp := post(t, s, `{ entity(id: "country/china") { name } }`)
		if b := body(t, resp); resp.StatusCode != 200 || b != `{"data":{"entity":{"name":"China"}}}` {
			t.Errorf("%d %s", resp.StatusCode, b)
		}
	})
	t.Run("introspection", func(t *testing.T) {
		resp := post(t, s, `{ __type(name: "Direction") { enumValues { name } } }`)
		if b := body(t, resp); !strings.Contains(b, `"BOTH"`) {
			t.Errorf("%d %s", resp.StatusCode, b)
		}
	})
	t.Run("bad query is not a 500", func(t *testing.T) {
		resp := post(t, s, `{ entity(`)
		if b := body(t, resp); resp.StatusCode >= 500 || !strings.Contains(b, "GRAPHQL_PARSE_FAILED") {
			t.Errorf("%d %s", resp.StatusCode, b)
		}
	})
	t.Run("unavailable store", func(t *testing.T) {
		down := newServer(t, server.Config{}, downStore{pgtest.Seed(t)})
		resp := post(t, down, `{ entity(id: "country/mexico") { name } }`)
		if b := body(t, resp); resp.StatusCode != 200 || !strings.Contains(b, `"code":"UNAVAILABLE"`) || strings.Contains(b, "10.0.0.7") {
			t.Errorf("%d %s", resp.StatusCode, b)
		}
	})
	t.Run("panicking store", func(t *testing.T) {
		p := newServer(t, server.Config{}, panicStore{pgtest.Seed(t)})
		resp := post(t, p, `{ search(text: "mexico") { totalCount } }`)
		b := body(t, resp)
		if resp.StatusCode != 200 || !strings.Contains(b, `"code":"INTERNAL"`) || strings.Contains(b, "cypher") {
			t.Errorf("%d %s", resp.StatusCode, b)
		}
	})
}

func TestMetrics(t *testing.T) {
	s := newServer(t, server.Config{}, pgtest.Seed(t))
	post(t, s, `query WhoLeadsMexico { entity(id: "country/mexico") { ... on Country { leaders { totalCount } } } }`)
	post(t, s, `{ entity(id: "country/atlantis") { name } }`)
	resp := get(t, s, "/metrics")
	b := body(t, resp)
	for _, want := range []string{
		`policygraph_graphql_operations_total{operation="WhoLeadsMexico",outcome="ok"} 1`,
		`policygraph_graphql_operations_total{operation="anonymous",outcome="error"} 1`,
		`policygraph_graphql_operation_duration_seconds_count{operation="WhoLeadsMexico"} 1`,
		`policygraph_store_calls_total{method="Entities",outcome="ok"} 2`,
		`policygraph_store_calls_total{method="Relationships",outcome="ok"} 1`,
		`policygraph_store_call_duration_seconds_count{method="Relationships"} 1`,
		`policygraph_http_requests_total{code="200",route="/graphql"} 2`,
		`go_goroutines`,
	} {
		if !strings.Contains(b, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	// Each server has a registry of its own.
	if b := body(t, get(t, newServer(t, server.Config{}, pgtest.Seed(t)), "/metrics")); strings.Contains(b, "WhoLeadsMexico") {
		t.Error("a new server shares metrics with another")
	}
}

// countingStore counts its statements as the Neo4j store does, one per call.
type countingStore struct {
	pg.Store
	n *atomic.Int64
}

func (s countingStore) RoundTrips() int64 { return s.n.Load() }
func (s countingStore) Entities(ctx context.Context, ids []string) ([]*pg.Entity, error) {
	s.n.Add(1)
	return s.Store.Entities(ctx, ids)
}

func TestStatementsMetric(t *testing.T) {
	s := newServer(t, server.Config{}, countingStore{pgtest.Seed(t), new(atomic.Int64)})
	post(t, s, `{ entity(id: "country/mexico") { name } }`)
	post(t, s, `{ entities(ids: ["country/mexico"]) { name } }`)
	if b := body(t, get(t, s, "/metrics")); !strings.Contains(b, "\npolicygraph_store_statements_total 2\n") {
		t.Errorf("/metrics lacks policygraph_store_statements_total 2:\n%s", b)
	}
	// A store that does not count statements has no such series.
	if b := body(t, get(t, newServer(t, server.Config{}, pgtest.Seed(t)), "/metrics")); strings.Contains(b, "statements_total") {
		t.Error("the in-memory store's server exports a statement count")
	}
}

func TestCORS(t *testing.T) {
	s := newServer(t, server.Config{CORSOrigins: []string{"https://viz.example"}}, pgtest.Seed(t))
	open := newServer(t, server.Config{CORSOrigins: []string{"*"}}, pgtest.Seed(t))
	preflight := func(h http.Handler, origin string) *http.Response {
		r := httptest.NewRequest(http.MethodOptions, "/graphql", nil)
		r.Header.Set("Origin", origin)
		r.Header.Set("Access-Control-Request-Method", "POST")
		r.Header.Set("Access-Control-Request-Headers", "content-type")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Result()
	}
	tests := []struct {
		name      string
		resp      *http.Response
		status    int
		allowOrig string
		methods   string
	}{
		{"allowed origin", get(t, s, "/healthz", "Origin", "https://viz.example"), 200, "https://viz.example", ""},
		{"other origin", get(t, s, "/healthz", "Origin", "https://evil.example"), 200, "", ""},
		{"any origin", get(t, open, "/healthz", "Origin", "https://else.example"), 200, "*", ""},
		{"preflight allowed", preflight(s, "https://viz.example"), 204, "https://viz.example", "GET, POST, OPTIONS"},
		{"preflight refused", preflight(s, "https://evil.example"), 204, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.resp.Header
			if tt.resp.StatusCode != tt.status || h.Get("Access-Control-Allow-Origin") != tt.allowOrig ||
				h.Get("Access-Control-Allow-Methods") != tt.methods {
				t.Errorf("status %d, headers %v", tt.resp.StatusCode, h)
			}
			if tt.allowOrig != "" && tt.allowOrig != "*" && !strings.Contains(strings.Join(h.Values("Vary"), ","), "Origin") {
				t.Errorf("no Vary: Origin: %v", h)
			}
		})
	}
}

func TestHandle(t *testing.T) {
	s := newServer(t, server.Config{}, pgtest.Seed(t))
	s.Handle("GET /export/{format}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st, _ := s.Store().Stats(r.Context())
		fmt.Fprintf(w, "%s %d", r.PathValue("format"), st.Nodes[pg.Country])
	}))
	if b := body(t, get(t, s, "/export/gexf")); b != "gexf 3" {
		t.Errorf("got %q", b)
	}
	if b := body(t, get(t, s, "/metrics")); !strings.Contains(b, `route="GET /export/{format}"`) ||
		!strings.Contains(b, `policygraph_store_calls_total{method="Stats",outcome="ok"} 1`) {
		t.Error("added route not metered")
	}
}

// Shutdown lets the request in flight finish.
func TestGracefulShutdown(t *testing.T) {
	s := newServer(t, server.Config{ShutdownTimeout: 5 * time.Second}, pgtest.Seed(t))
	started := make(chan struct{})
	s.Handle("GET /slow", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		time.Sleep(200 * time.Millisecond)
		_, _ = io.WriteString(w, "done")
	}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln) }()

	got := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/slow")
		if err != nil {
			got <- err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		got <- string(b)
	}()
	<-started
	cancel()
	if b := <-got; b != "done" {
		t.Errorf("request in flight got %q", b)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return")
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/healthz"); err == nil || errors.Is(err, context.Canceled) {
		t.Errorf("still serving after shutdown (err %v)", err)
	}
}
