package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/internal/pgtest"
	"github.com/policygraph/policygraph/server"
)

// blockingStore's Neighborhood works until its context ends and reports
// why it stopped.
type blockingStore struct {
	pg.Store
	started chan struct{}
	stopped chan error
}

func (s blockingStore) Neighborhood(ctx context.Context, _ pg.NeighborhoodQuery) (pg.Subgraph, error) {
	close(s.started)
	<-ctx.Done()
	s.stopped <- ctx.Err()
	return pg.Subgraph{}, ctx.Err()
}

// TestClientGoneCancelsWork: a client that hangs up stops the store's work
// for it, long before the request's own timeout.
func TestClientGoneCancelsWork(t *testing.T) {
	store := blockingStore{Store: pgtest.Seed(t), started: make(chan struct{}), stopped: make(chan error, 1)}
	cfg := server.Config{}
	cfg.Graph.Timeout = time.Minute
	ts := httptest.NewServer(newServer(t, cfg, store))
	defer ts.Close()

	ctx, hangUp := context.WithCancel(t.Context())
	req, err := http.NewRequestWithContext(ctx, "POST", ts.URL+"/graphql",
		strings.NewReader(`{"query": "{ neighborhood(id: \"country/mexico\") { truncated } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	go func() {
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	select {
	case <-store.started:
	case <-time.After(10 * time.Second):
		t.Fatal("the store was never asked")
	}
	hangUp()
	select {
	case err := <-store.stopped:
		if err != context.Canceled {
			t.Errorf("store stopped with %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the store went on working for a client that hung up")
	}
}
