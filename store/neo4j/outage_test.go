package neo4j_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	pg "github.com/policygraph/policygraph"
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
