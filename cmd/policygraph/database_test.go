package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	neo4jdrv "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policygraph/policygraph/server"
	"github.com/policygraph/policygraph/store/neo4j"
	"github.com/policygraph/policygraph/store/neo4j/neo4jtest"
)

// sessionLog is a driver that records the configuration of every session
// opened through it (ExecuteQuery opens its sessions through NewSession
// too), so a test sees which database and access mode each query used.
type sessionLog struct {
	neo4jdrv.DriverWithContext
	mu       sync.Mutex
	sessions []neo4jdrv.SessionConfig
}

func (d *sessionLog) NewSession(ctx context.Context, cfg neo4jdrv.SessionConfig) neo4jdrv.SessionWithContext {
	d.mu.Lock()
	d.sessions = append(d.sessions, cfg)
	d.mu.Unlock()
	return d.DriverWithContext.NewSession(ctx, cfg)
}

func (d *sessionLog) take() []neo4jdrv.SessionConfig {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := d.sessions
	d.sessions = nil
	return s
}

// hostileRequests try every way an HTTP client could name a database:
// GraphQL arguments, variables and extensions, headers, query parameters,
// on the GraphQL endpoint, the exports and the readiness probe. Each also
// asks for data, so the store is called.
func hostileRequests() []*http.Request {
	const q = `{ stats { entities } entities(ids: ["person/x"]) { id } search(text: "x") { totalCount } }`
	post := func(body any, header ...string) *http.Request {
		b, _ := json.Marshal(body)
		r := httptest.NewRequest("POST", "/graphql", strings.NewReader(string(b)))
		r.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(header); i += 2 {
			r.Header.Set(header[i], header[i+1])
		}
		return r
	}
	return []*http.Request{
		post(map[string]any{"query": `{ stats(database: "system") { entities } }`}),
		post(map[string]any{"query": `{ entity(id: "person/x", db: "system") { id } }`}),
		post(map[string]any{"query": `query($database: String) { stats { entities } }`, "variables": map[string]any{"database": "system"}}),
		post(map[string]any{"query": q, "variables": map[string]any{"database": "system", "db": "system"},
			"extensions": map[string]any{"database": "system", "db": "system"}, "database": "system"}),
		post(map[string]any{"query": q},
			"Database", "system", "X-Database", "system", "Neo4j-Database", "system", "X-Neo4j-Database", "system",
			"Neo4j-Db", "system", "Impersonate", "neo4j"),
		httptest.NewRequest("GET", "/graphql?database=system&db=system&query="+urlQuery(q), nil),
		httptest.NewRequest("GET", "/export/cytoscape.json?database=system&db=system", nil),
		httptest.NewRequest("GET", "/export/graphml?center=person/x&database=system", nil),
		httptest.NewRequest("GET", "/readyz?database=system", nil),
		httptest.NewRequest("GET", "/?database=system", nil),
	}
}

func urlQuery(s string) string {
	return strings.NewReplacer(" ", "%20", "{", "%7B", "}", "%7D", `"`, "%22", "[", "%5B", "]", "%5D", "/", "%2F").Replace(s)
}

// TestDatabaseIsFixed is issue 15's "NEO4J_DATABASE cannot be overridden
// from GraphQL": whatever a request carries, every session serve opens
// names the configured database, and reads in read mode (readers, on a
// cluster). The schema has no argument that could name one.
func TestDatabaseIsFixed(t *testing.T) {
	cfg := neo4jtest.Config(t)
	log := &sessionLog{DriverWithContext: neo4jtest.Driver(t)}
	h := newServer(server.Config{}, neo4j.New(log, cfg.Database), slog.New(slog.DiscardHandler))

	for _, r := range hostileRequests() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		body, _ := io.ReadAll(rec.Body)
		// 503 is the honest answer of a store too slow on a busy machine;
		// what this test is about is the sessions below.
		if rec.Code >= 500 && rec.Code != http.StatusServiceUnavailable {
			t.Errorf("%s %s: status %d: %.300s", r.Method, r.URL, rec.Code, body)
		}
		sessions := log.take()
		for _, s := range sessions {
			if s.DatabaseName != cfg.Database || s.AccessMode != neo4jdrv.AccessModeRead {
				t.Errorf("%s %s: a session on database %q in mode %d, want %q in read mode",
					r.Method, r.URL, s.DatabaseName, s.AccessMode, cfg.Database)
			}
		}
		// The requests with an argument the schema lacks fail validation
		// before any query; the others must reach the store, or the test
		// proves nothing about them.
		if len(sessions) == 0 && !strings.Contains(string(body), "Unknown argument") && !strings.Contains(string(body), "never used") {
			t.Errorf("%s %s: no session opened: %.300s", r.Method, r.URL, body)
		}
	}

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/graphql?query="+urlQuery(`{ __schema { types { name fields { name args { name } } } } }`), nil))
	var schema struct {
		Data struct {
			Schema struct {
				Types []struct {
					Name   string
					Fields []struct {
						Name string
						Args []struct{ Name string }
					}
				}
			} `json:"__schema"`
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &schema); err != nil || len(schema.Data.Schema.Types) == 0 {
		t.Fatalf("introspection: %v: %.300s", err, rec.Body)
	}
	dbLike := regexp.MustCompile(`(?i)^(db|database|databaseName|graph|tenant)$`)
	for _, ty := range schema.Data.Schema.Types {
		for _, f := range ty.Fields {
			for _, a := range f.Args {
				if dbLike.MatchString(a.Name) {
					t.Errorf("%s.%s takes an argument %q", ty.Name, f.Name, a.Name)
				}
			}
		}
	}
}
