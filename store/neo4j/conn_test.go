package neo4j_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	neo4jdrv "github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/policygraph/policygraph/store/neo4j"
	"github.com/policygraph/policygraph/store/neo4j/neo4jtest"
)

func TestConfigFromEnv(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want neo4j.Config
	}{
		{
			name: "defaults",
			env:  map[string]string{},
			want: neo4j.Config{URI: neo4j.DefaultURI, User: "neo4j", Database: "neo4j"},
		},
		{
			name: "all set",
			env: map[string]string{
				"NEO4J_URI":      "neo4j://db.example:7999",
				"NEO4J_USER":     "alice",
				"NEO4J_PASSWORD": "s3cret",
				"NEO4J_DATABASE": "graphs",
			},
			want: neo4j.Config{URI: "neo4j://db.example:7999", User: "alice", Password: "s3cret", Database: "graphs"},
		},
		{
			name: "empty means default",
			env:  map[string]string{"NEO4J_USER": "", "NEO4J_DATABASE": ""},
			want: neo4j.Config{URI: neo4j.DefaultURI, User: "neo4j", Database: "neo4j"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, name := range []string{"NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE",
				"NEO4J_MAX_POOL_SIZE", "NEO4J_ACQUIRE_TIMEOUT", "NEO4J_MAX_RETRY_TIME"} {
				t.Setenv(name, tt.env[name])
			}
			if got := neo4j.ConfigFromEnv(); got != tt.want {
				t.Errorf("ConfigFromEnv() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestConfigFromEnvPoolTuning(t *testing.T) {
	t.Setenv("NEO4J_MAX_POOL_SIZE", "20")
	t.Setenv("NEO4J_ACQUIRE_TIMEOUT", "5s")
	t.Setenv("NEO4J_MAX_RETRY_TIME", "90s")
	got := neo4j.ConfigFromEnv()
	if got.MaxPoolSize != 20 || got.AcquireTimeout != 5*time.Second || got.MaxRetryTime != 90*time.Second {
		t.Errorf("ConfigFromEnv() = %+v, want pool 20, acquire 5s, retry 90s", got)
	}
}

// A malformed tuning variable must fail Connect with a message naming it,
// before any network traffic, instead of silently falling back to a default.
func TestConnectRejectsBadTuning(t *testing.T) {
	tests := []struct{ name, value, want string }{
		{"NEO4J_MAX_POOL_SIZE", "lots", `NEO4J_MAX_POOL_SIZE="lots": want a positive integer`},
		{"NEO4J_MAX_POOL_SIZE", "0", `NEO4J_MAX_POOL_SIZE="0": want a positive integer`},
		{"NEO4J_ACQUIRE_TIMEOUT", "5", `NEO4J_ACQUIRE_TIMEOUT="5": want a positive duration`},
		{"NEO4J_MAX_RETRY_TIME", "-1s", `NEO4J_MAX_RETRY_TIME="-1s": want a positive duration`},
	}
	for _, tt := range tests {
		t.Run(tt.name+"="+tt.value, func(t *testing.T) {
			for _, name := range []string{"NEO4J_MAX_POOL_SIZE", "NEO4J_ACQUIRE_TIMEOUT", "NEO4J_MAX_RETRY_TIME"} {
				t.Setenv(name, "")
			}
			t.Setenv("NEO4J_URI", "bolt://127.0.0.1:1")
			t.Setenv(tt.name, tt.value)
			_, err := neo4j.Connect(t.Context(), neo4j.ConfigFromEnv(), neo4jdrv.AccessModeRead)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Connect error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestConnectWithoutURI(t *testing.T) {
	if _, err := neo4j.Connect(t.Context(), neo4j.Config{}, neo4jdrv.AccessModeRead); err == nil {
		t.Fatal("Connect with empty URI succeeded, want error")
	}
}

// TestRoundTrip writes two nodes and a relationship carrying one property of
// each type the store relies on, reads them back through the driver and
// checks every value and its Go type.
func TestRoundTrip(t *testing.T) {
	cfg := neo4jtest.Config(t)
	driver := neo4jtest.Driver(t)
	prefix := neo4jtest.UniquePrefix(t)
	neo4jtest.CleanupByPrefix(t, driver, cfg.Database, "id", prefix)
	ctx := t.Context()
	db := neo4jdrv.ExecuteQueryWithDatabase(cfg.Database)

	fromID, toID := prefix+"policy", prefix+"regulation"
	rel := map[string]any{
		"text":      "implements §4 (ünïcode)",
		"count":     int64(42),
		"weight":    0.75,
		"active":    true,
		"since":     "2024-02-29",
		"tags":      []any{"gdpr", "privacy", ""},
		"effective": neo4jdrv.DateOf(time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)),
	}
	_, err := neo4jdrv.ExecuteQuery(ctx, driver, `
CREATE (a:ConnTestNode {id: $from, name: 'Policy A'})
CREATE (b:ConnTestNode {id: $to, name: 'Regulation B'})
CREATE (a)-[r:IMPLEMENTS]->(b)
SET r = $rel`,
		map[string]any{"from": fromID, "to": toID, "rel": rel},
		neo4jdrv.EagerResultTransformer, db)
	if err != nil {
		t.Fatalf("write: %v", err)
	}

	res, err := neo4jdrv.ExecuteQuery(ctx, driver, `
MATCH (a:ConnTestNode {id: $from})-[r]->(b:ConnTestNode)
RETURN a, r, b`,
		map[string]any{"from": fromID},
		neo4jdrv.EagerResultTransformer, db, neo4jdrv.ExecuteQueryWithReadersRouting())
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	if len(res.Records) != 1 {
		t.Fatalf("read %d records, want 1", len(res.Records))
	}
	rec := res.Records[0]
	a, _, err := neo4jdrv.GetRecordValue[dbtype.Node](rec, "a")
	if err != nil {
		t.Fatalf("a: %v", err)
	}
	b, _, err := neo4jdrv.GetRecordValue[dbtype.Node](rec, "b")
	if err != nil {
		t.Fatalf("b: %v", err)
	}
	r, _, err := neo4jdrv.GetRecordValue[dbtype.Relationship](rec, "r")
	if err != nil {
		t.Fatalf("r: %v", err)
	}

	nodes := []struct {
		node dbtype.Node
		want map[string]any
	}{
		{a, map[string]any{"id": fromID, "name": "Policy A"}},
		{b, map[string]any{"id": toID, "name": "Regulation B"}},
	}
	for _, n := range nodes {
		if !reflect.DeepEqual(n.node.Labels, []string{"ConnTestNode"}) {
			t.Errorf("node %v labels = %v, want [ConnTestNode]", n.want["id"], n.node.Labels)
		}
		if !reflect.DeepEqual(n.node.Props, n.want) {
			t.Errorf("node props = %#v, want %#v", n.node.Props, n.want)
		}
	}

	if r.Type != "IMPLEMENTS" {
		t.Errorf("relationship type = %q, want IMPLEMENTS", r.Type)
	}
	if r.StartElementId != a.ElementId || r.EndElementId != b.ElementId {
		t.Errorf("relationship goes %s->%s, want %s->%s", r.StartElementId, r.EndElementId, a.ElementId, b.ElementId)
	}
	if len(r.Props) != len(rel) {
		t.Errorf("relationship has %d props %v, want %d", len(r.Props), r.Props, len(rel))
	}
	for key, want := range rel {
		got, ok := r.Props[key]
		if !ok {
			t.Errorf("relationship prop %q missing", key)
			continue
		}
		// DeepEqual also checks the Go type: int64 must not come back as
		// float64, a date not as a string, and so on.
		if !reflect.DeepEqual(got, want) {
			t.Errorf("relationship prop %q = %#v (%T), want %#v (%T)", key, got, got, want, want)
		}
	}
}

// TestBasicAuth proves the server enforces auth: the configured password
// logs in, a wrong one is refused with Neo4j's Unauthorized error.
func TestBasicAuth(t *testing.T) {
	cfg := neo4jtest.Config(t)
	if cfg.Password == "" {
		t.Skip("NEO4J_PASSWORD empty: server runs without auth, nothing to prove")
	}
	wrong := cfg
	wrong.Password = cfg.Password + "-wrong"

	tests := []struct {
		name     string
		cfg      neo4j.Config
		wantCode string // empty: must connect
	}{
		{name: "right password", cfg: cfg},
		{name: "wrong password", cfg: wrong, wantCode: "Neo.ClientError.Security.Unauthorized"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			driver, err := neo4j.Connect(ctx, tt.cfg, neo4jdrv.AccessModeRead)
			if tt.wantCode == "" {
				if err != nil {
					t.Fatalf("Connect: %v", err)
				}
				defer func() { _ = driver.Close(context.Background()) }()
				res, err := neo4jdrv.ExecuteQuery(ctx, driver, "RETURN 1 AS one", nil,
					neo4jdrv.EagerResultTransformer, neo4jdrv.ExecuteQueryWithDatabase(tt.cfg.Database))
				if err != nil {
					t.Fatalf("query after login: %v", err)
				}
				if one, _ := res.Records[0].Get("one"); one != int64(1) {
					t.Errorf("RETURN 1 gave %#v", one)
				}
				return
			}
			if err == nil {
				_ = driver.Close(context.Background())
				t.Fatal("Connect with a wrong password succeeded: server does not enforce auth")
			}
			var nerr *neo4jdrv.Neo4jError
			if !errors.As(err, &nerr) || nerr.Code != tt.wantCode {
				t.Fatalf("Connect error = %v, want Neo4j error %s", err, tt.wantCode)
			}
		})
	}
}

// TestConnectChecksTheDatabase: Connect proves the configured database
// answers, in the mode the process will use, so a misspelt NEO4J_DATABASE
// fails at start (the driver's VerifyConnectivity, which asks about the
// home database, let it through).
func TestConnectChecksTheDatabase(t *testing.T) {
	cfg := neo4jtest.Config(t)
	missing := cfg
	missing.Database = "nosuchdb"
	tests := []struct {
		name     string
		cfg      neo4j.Config
		mode     neo4jdrv.AccessMode
		wantCode string // empty: must connect
	}{
		{"configured database, read", cfg, neo4jdrv.AccessModeRead, ""},
		{"configured database, write", cfg, neo4jdrv.AccessModeWrite, ""},
		{"missing database, read", missing, neo4jdrv.AccessModeRead, "Neo.ClientError.Database.DatabaseNotFound"},
		{"missing database, write", missing, neo4jdrv.AccessModeWrite, "Neo.ClientError.Database.DatabaseNotFound"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			driver, err := neo4j.Connect(ctx, tt.cfg, tt.mode)
			if err == nil {
				_ = driver.Close(context.Background())
			}
			var nerr *neo4jdrv.Neo4jError
			switch {
			case tt.wantCode == "" && err != nil:
				t.Fatalf("Connect: %v", err)
			case tt.wantCode != "" && (!errors.As(err, &nerr) || nerr.Code != tt.wantCode):
				t.Fatalf("Connect error = %v, want Neo4j error %s", err, tt.wantCode)
			case tt.wantCode != "" && !strings.Contains(err.Error(), `database "nosuchdb"`):
				t.Errorf("Connect error = %v, want it to name the database", err)
			}
		})
	}
}

// A password written into NEO4J_URI never reaches a log line or an error.
func TestRedactURI(t *testing.T) {
	for _, tt := range []struct{ uri, want string }{
		{"bolt://127.0.0.1:7687", "bolt://127.0.0.1:7687"},
		{"bolt://neo4j:s3cret@127.0.0.1:7687", "bolt://neo4j:xxxxx@127.0.0.1:7687"},
		{"neo4j+s://reader@db.example:7687", "neo4j+s://reader@db.example:7687"},
		{"bolt://neo4j:s3cret@[::1", "bolt://(unparsable URI)"},
	} {
		if got := neo4j.RedactURI(tt.uri); got != tt.want {
			t.Errorf("RedactURI(%q) = %q, want %q", tt.uri, got, tt.want)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := neo4j.Connect(ctx, neo4j.Config{URI: "bolt://neo4j:s3cret@127.0.0.1:1", Database: "neo4j"}, neo4jdrv.AccessModeRead)
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("Connect to a closed port: %v", err)
	}
}
