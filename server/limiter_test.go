package server

import (
	"fmt"
	"testing"
	"time"
)

// The bucket refills at its rate, says how long until the next token, and
// buckets that have filled again are dropped by the sweep.
func TestLimiterRefillAndSweep(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	l := newLimiter(2, 3, func() time.Time { return now }) // 2/s, burst 3
	for i := range 3 {
		if ok, _ := l.allow("a"); !ok {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	ok, wait := l.allow("a")
	if ok || wait <= 0 || wait > 500*time.Millisecond {
		t.Fatalf("over the burst: ok=%v wait=%s, want refused with wait <= 0.5s", ok, wait)
	}
	// A refused request took nothing: after the wait, one passes.
	now = now.Add(wait)
	if ok, _ := l.allow("a"); !ok {
		t.Fatal("refused after the announced wait")
	}
	if ok, _ := l.allow("b"); !ok {
		t.Fatal("another client was refused")
	}
	if len(l.clients) != 2 {
		t.Fatalf("%d buckets, want 2", len(l.clients))
	}
	now = now.Add(sweepInterval)
	l.allow("c")
	if len(l.clients) != 1 {
		t.Errorf("after a sweep %d buckets, want 1 (a and b full again, dropped)", len(l.clients))
	}
}

func TestLimiterCap(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	l := newLimiter(0.001, 1, func() time.Time { return now }) // never refills within the test
	l.max = 1000
	for i := range 5000 {
		l.allow(fmt.Sprint("ip:", i))
		if len(l.clients) > l.max {
			t.Fatalf("%d buckets after %d clients, want at most %d", len(l.clients), i+1, l.max)
		}
	}
	// The newest client keeps its bucket: it is refused, not reset.
	if ok, _ := l.allow("ip:4999"); ok {
		t.Error("the last client got a fresh bucket")
	}
}
