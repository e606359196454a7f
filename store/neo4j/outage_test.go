package neo4j_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
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

// proxy forwards a loopback port to Neo4j and can cut every connection, to
// play Neo4j going down and coming back without touching the shared server.
type proxy struct {
	addr   string
	target string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
}

func (p *proxy) start(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		t.Fatalf("proxy listen: %v", err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(up, c); up.Close() }()
			go func() { _, _ = io.Copy(c, up); c.Close() }()
		}
	}()
}

// cut closes the listener and every connection through it.
func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ln.Close()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func TestNeo4jDownIsUnavailableAndRecovers(t *testing.T) {
	cfg := neo4jtest.Config(t)
	u, err := url.Parse(cfg.URI)
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{addr: "127.0.0.1:0", target: u.Host}
	p.start(t)
	t.Cleanup(p.cut)
	via := cfg
	via.URI = u.Scheme + "://" + p.addr

	ctx := context.Background()
	s, err := neo4j.Open(ctx, via)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("ping through the proxy: %v", err)
	}

	p.cut()
	down, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	err = s.Ping(down)
	if !errors.Is(err, pg.ErrUnavailable) {
		t.Fatalf("ping with Neo4j gone = %v, want an error wrapping ErrUnavailable", err)
	}
	if _, err := s.Entities(down, []string{"person/x"}); !errors.Is(err, pg.ErrUnavailable) {
		t.Errorf("query with Neo4j gone = %v, want an error wrapping ErrUnavailable", err)
	}

	p.start(t) // the same port again
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := s.Ping(ctx)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("store did not recover after Neo4j came back: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func TestOpenWithNoNeo4jIsUnavailable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err = neo4j.Open(ctx, neo4j.Config{URI: "bolt://" + addr, Database: "neo4j"})
	if !errors.Is(err, pg.ErrUnavailable) {
		t.Fatalf("Open with nothing listening = %v, want an error wrapping ErrUnavailable", err)
	}
}

// TestNeo4jDownDuringStagedLoad is issue 11's finding 4: Neo4j goes away
// while a staged load runs, so the load cannot roll back. The loader must
// say so, readers must see the graph as it was, and recovery must finish
// the job once Neo4j is back and the lease expired.
func TestNeo4jDownDuringStagedLoad(t *testing.T) {
	driver := neo4jtest.Exclusive(t)
	cfg := neo4jtest.Config(t)
	ctx := context.Background()
	direct := neo4j.New(driver, cfg.Database)
	if _, err := loader.Load(ctx, direct, data.Seed(), loader.Options{}); err != nil {
		t.Fatal(err)
	}
	visible := func() []string {
		t.Helper()
		var out []string
		for _, q := range []string{
			"MATCH (n) WHERE n:Entity OR n:Source RETURN properties(n) AS p ORDER BY n.id",
			"MATCH (a)-[r]->(b) WHERE (a:Entity OR a:Source) AND (b:Entity OR b:Source) RETURN [type(r), properties(r)] AS p ORDER BY r.id",
		} {
			res, err := neo4jdrv.ExecuteQuery(ctx, driver, q, nil, neo4jdrv.EagerResultTransformer, neo4jdrv.ExecuteQueryWithDatabase(cfg.Database))
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range res.Records {
				p, _ := r.Get("p")
				out = append(out, fmt.Sprint(p))
			}
		}
		return out
	}
	count := func(q string) int64 {
		t.Helper()
		res, err := neo4jdrv.ExecuteQuery(ctx, driver, q, nil, neo4jdrv.EagerResultTransformer, neo4jdrv.ExecuteQueryWithDatabase(cfg.Database))
		if err != nil {
			t.Fatal(err)
		}
		n, _ := res.Records[0].Get("n")
		return n.(int64)
	}
	before := visible()

	path := filepath.Join(t.TempDir(), "big.jsonl")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gen.Generate(ctx, f, gen.Config{Nodes: 2000, Relationships: 4000, Seed: 2}); err != nil {
		t.Fatal(err)
	}
	f.Close()

	u, err := url.Parse(cfg.URI)
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{addr: "127.0.0.1:0", target: u.Host}
	p.start(t)
	t.Cleanup(p.cut)
	via := cfg
	via.URI = u.Scheme + "://" + p.addr
	via.MaxRetryTime = time.Second
	s, err := neo4j.Open(ctx, via)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	s.SetLease(3*time.Second, 500*time.Millisecond)

	// Cut Neo4j off once the load has staged a good part.
	go func() {
		for count("MATCH (n:_Staged) RETURN count(n) AS n") < 1000 {
			time.Sleep(20 * time.Millisecond)
		}
		p.cut()
	}()
	_, err = loader.Load(ctx, s, dataset.Paths(path), loader.Options{BatchSize: 200, AtomicLimit: 1})
	var lerr *loader.Error
	if !errors.As(err, &lerr) || lerr.Outcome != loader.NotRolledBack {
		t.Fatalf("load with Neo4j gone = %v, want a loader.Error saying it was not rolled back", err)
	}
	if n := count("MATCH (n) WHERE n:_Staged OR n:_Shadow RETURN count(n) AS n"); n == 0 {
		t.Fatal("the cut-off load left nothing staged; the test proves nothing")
	}
	if now := visible(); !slices.Equal(before, now) {
		t.Errorf("readers see the half-load: %d records, want the %d from before", len(now), len(before))
	}

	time.Sleep(3500 * time.Millisecond) // the dead load's lease runs out
	recovered, err := loader.Recover(ctx, direct, loader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(recovered) != 1 || recovered[0].ID != lerr.LoadID || recovered[0].Committed {
		t.Errorf("recovered %+v, want %s rolled back", recovered, lerr.LoadID)
	}
	if n := count("MATCH (n) WHERE n:_Staged OR n:_Shadow OR n:_Load RETURN count(n) AS n"); n != 0 {
		t.Errorf("recovery left %d staging nodes", n)
	}
	if now := visible(); !slices.Equal(before, now) {
		t.Errorf("after recovery the graph differs from before: %d records, want %d", len(now), len(before))
	}
}
