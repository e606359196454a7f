package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	neo4jdrv "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policygraph/policygraph/data"
	"github.com/policygraph/policygraph/loader"
	"github.com/policygraph/policygraph/store/neo4j"
	"github.com/policygraph/policygraph/store/neo4j/neo4jtest"
	"github.com/policygraph/policygraph/store/neo4j/neo4jtest/boltrouter"
)

// TestRouting is issue 15's routing test: behind a router whose table
// names Neo4j A as the writer (empty at first) and Neo4j B as the reader
// (the seed), `serve` answers from B and never connects to A, while `load`
// (atomic and staged, merging with what A holds), `load --recover` and
// `import --finish` write to A and never connect to B, which stays as it
// was. The router hands out the table and serves nothing else; the table
// names a tap in front of each server, which counts the connections.
//
// It needs two Neo4j servers of its own, given as NEO4J_ROUTING_WRITER_URI
// and NEO4J_ROUTING_READER_URI (with NEO4J_USER and NEO4J_PASSWORD);
// scripts/test-routing starts them, runs this test and stops them. It
// wipes both.
func TestRouting(t *testing.T) {
	writerURI, readerURI := os.Getenv("NEO4J_ROUTING_WRITER_URI"), os.Getenv("NEO4J_ROUTING_READER_URI")
	if writerURI == "" || readerURI == "" {
		t.Skip("NEO4J_ROUTING_WRITER_URI and NEO4J_ROUTING_READER_URI unset: scripts/test-routing (in make test) runs this test with two Neo4j servers")
	}
	for _, name := range []string{"NEO4J_DATABASE", "NEO4J_MAX_POOL_SIZE", "NEO4J_ACQUIRE_TIMEOUT", "NEO4J_MAX_RETRY_TIME"} {
		t.Setenv(name, "")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()
	base := neo4j.ConfigFromEnv()
	a, b := direct(t, base, writerURI), direct(t, base, readerURI)
	for _, d := range []neo4jdrv.DriverWithContext{a, b} {
		neo4jtest.Wipe(t, ctx, d, base.Database)
	}
	if _, err := loader.Load(ctx, neo4j.New(b, base.Database), data.Seed(), loader.Options{}); err != nil {
		t.Fatalf("seed the reader: %v", err)
	}
	seedB := dump(t, ctx, b, base.Database)

	tapA, tapB := tap(t, writerURI), tap(t, readerURI)
	router, err := boltrouter.Start("127.0.0.1:0", boltrouter.Table{Writers: []string{tapA.Addr()}, Readers: []string{tapB.Addr()}})
	if err != nil {
		t.Fatal(err)
	}
	defer router.Close()
	t.Setenv("NEO4J_URI", "neo4j://"+router.Addr())

	// serve answers from the reader, whatever a request says about the
	// database, and never connects to the writer.
	entities := countNodes(seedB, "Entity")
	srv := startServed(t, ctx)
	got := srv.query(t, `{ stats { entities } entity(id: "country/mexico") { name } }`)
	if want := fmt.Sprintf(`{"data":{"stats":{"entities":%d},"entity":{"name":"Mexico"}}}`, entities); got != want {
		t.Errorf("serve through the router: %s, want %s (the reader's seed)", got, want)
	}
	for _, r := range hostileRequests() {
		if code := srv.do(t, r); code >= 500 && code != http.StatusServiceUnavailable {
			t.Errorf("%s %s: status %d", r.Method, r.URL, code)
		}
	}
	srv.stop(t)
	if n := tapA.Conns(); n != 0 {
		t.Errorf("serve made %d connection(s) to the writer, want none", n)
	}
	if tapB.Conns() == 0 {
		t.Error("serve made no connection to the reader")
	}

	// load and import write to the writer, merging with what it holds,
	// and never connect to the reader.
	readerConns := tapB.Conns()
	dir := filepath.Join("testdata", "routing")
	csv := t.TempDir()
	for _, args := range [][]string{
		{"load", "--quiet", filepath.Join(dir, "first.yaml")},
		// second.yaml only validates if the IDs of first.yaml are looked up
		// where first.yaml went; one record over the atomic limit makes it a
		// staged load, with its bookkeeping.
		{"load", "--quiet", "--atomic-limit", "1", filepath.Join(dir, "second.yaml")},
		{"load", "--recover"},
		{"import", "--quiet", "--csv-only", "--csv-dir", csv, filepath.Join(dir, "first.yaml")},
		{"import", "--finish", csv},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(ctx, args, &stdout, &stderr); code != 0 {
			t.Fatalf("policygraph %s through the router: exit %d\n%s%s", strings.Join(args, " "), code, stdout.String(), stderr.String())
		}
	}
	if n := tapB.Conns() - readerConns; n != 0 {
		t.Errorf("load and import made %d connection(s) to the reader, want none", n)
	}
	if tapA.Conns() == 0 {
		t.Error("load made no connection to the writer")
	}
	if now := dump(t, ctx, b, base.Database); !slices.Equal(now, seedB) {
		t.Errorf("the reader changed: %d records, %d before; the first that differs:\n%s", len(now), len(seedB), firstDiff(now, seedB))
	}
	onA := dump(t, ctx, a, base.Database)
	for _, id := range []string{"country/routing-writerland", "person/routing-ada", "person/routing-bob", "source/routing-first",
		"person/routing-bob|HOLDS_OFFICE|country/routing-writerland", "person/routing-bob|ALLIED_WITH|person/routing-ada"} {
		if !slices.ContainsFunc(onA, func(r string) bool { return strings.Contains(r, `id:`+id+` `) || strings.Contains(r, `id:`+id+`]`) }) {
			t.Errorf("the writer lacks %s after the loads", id)
		}
	}
	if n := countNodes(onA, "Entity"); n != 3 {
		t.Errorf("the writer holds %d entities, want the 3 loaded", n)
	}

	// serve still answers from the reader, which (no replication here)
	// never saw the loads: what a lagging follower looks like.
	srv = startServed(t, ctx)
	got = srv.query(t, `{ stats { entities } search(text: "Writer") { totalCount } }`)
	if want := fmt.Sprintf(`{"data":{"stats":{"entities":%d},"search":{"totalCount":0}}}`, entities); got != want {
		t.Errorf("serve after the loads: %s, want %s", got, want)
	}
	srv.stop(t)

	for _, r := range router.Routes() {
		if r.Database != base.Database {
			t.Errorf("a routing request for database %q, want only %q", r.Database, base.Database)
		}
	}
	if u := router.Unexpected(); len(u) > 0 {
		t.Errorf("the router was sent %q; it should only be asked for routes", u)
	}
	t.Logf("connections: writer %d, reader %d; routing requests %d", tapA.Conns(), tapB.Conns(), len(router.Routes()))
}

// direct connects to one server, not through the router.
func direct(t *testing.T, base neo4j.Config, uri string) neo4jdrv.DriverWithContext {
	t.Helper()
	cfg := base
	cfg.URI = uri
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d, err := neo4j.Connect(ctx, cfg, neo4jdrv.AccessModeWrite)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close(context.Background()) })
	return d
}

// tap starts a counting pipe to the server of a bolt:// URI.
func tap(t *testing.T, uri string) *boltrouter.Tap {
	t.Helper()
	u, err := url.Parse(uri)
	if err != nil {
		t.Fatal(err)
	}
	tp, err := boltrouter.StartTap("127.0.0.1:0", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tp.Close() })
	return tp
}

// dump lists a whole database, one line per node (labels, properties) and
// relationship (type, properties), sorted.
func dump(t *testing.T, ctx context.Context, d neo4jdrv.DriverWithContext, db string) []string {
	t.Helper()
	var out []string
	for _, q := range []string{
		"MATCH (n) RETURN [labels(n), properties(n)] AS r",
		"MATCH ()-[x]->() RETURN [type(x), properties(x)] AS r",
	} {
		res, err := neo4jdrv.ExecuteQuery(ctx, d, q, nil, neo4jdrv.EagerResultTransformer, neo4jdrv.ExecuteQueryWithDatabase(db))
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range res.Records {
			r, _ := rec.Get("r")
			out = append(out, fmt.Sprint(r))
		}
	}
	slices.Sort(out)
	return out
}

// countNodes counts the dumped nodes with a label.
func countNodes(dump []string, label string) int {
	labelled := regexp.MustCompile(`^\[\[[^\]]*\b` + regexp.QuoteMeta(label) + `\b`)
	n := 0
	for _, r := range dump {
		if labelled.MatchString(r) {
			n++
		}
	}
	return n
}

func firstDiff(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return a[i] + "\nwas\n" + b[i]
		}
	}
	return "(one is a prefix of the other)"
}

// served is a `policygraph serve` running in this process.
type served struct {
	base   string
	cancel context.CancelFunc
	done   chan int
	log    *syncBuffer
}

// startServed runs `policygraph serve` on a free loopback port with the
// environment's NEO4J_URI and waits until it listens.
func startServed(t *testing.T, ctx context.Context) *served {
	t.Helper()
	ctx, cancel := context.WithCancel(ctx)
	s := &served{cancel: cancel, done: make(chan int, 1), log: &syncBuffer{}}
	go func() {
		s.done <- runServe(ctx, []string{"--addr", "127.0.0.1:0", "--log-format", "json",
			// Generous: a cold JVM on a busy machine is slow, and this
			// test is about where queries go, not how fast.
			"--timeout", "60s", "--write-timeout", "90s"}, io.Discard, s.log)
	}()
	deadline := time.Now().Add(60 * time.Second)
	for {
		for _, line := range strings.Split(s.log.String(), "\n") {
			var l struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &l) == nil && l.Msg == "serving" {
				_, port, _ := net.SplitHostPort(l.Addr)
				s.base = "http://127.0.0.1:" + port
				return s
			}
		}
		select {
		case code := <-s.done:
			cancel()
			t.Fatalf("serve exited with %d:\n%s", code, s.log.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve did not start in 60s:\n%s", s.log.String())
		}
	}
}

// query posts a GraphQL query and returns the response body.
func (s *served) query(t *testing.T, q string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": q})
	resp, err := http.Post(s.base+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return strings.TrimSpace(string(b))
}

// do sends an httptest request to the running server and returns the
// status.
func (s *served) do(t *testing.T, r *http.Request) int {
	t.Helper()
	u, _ := url.Parse(s.base + r.URL.RequestURI())
	req, err := http.NewRequest(r.Method, u.String(), r.Body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = r.Header
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

// stop shuts the server down as SIGTERM would and checks it exited cleanly.
func (s *served) stop(t *testing.T) {
	t.Helper()
	s.cancel()
	select {
	case code := <-s.done:
		if code != 0 {
			t.Errorf("serve exited with %d:\n%s", code, s.log.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not stop in 60s")
	}
}
