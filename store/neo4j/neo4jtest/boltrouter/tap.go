package boltrouter

import (
	"fmt"
	"io"
	"net"
	"sync"
)

// Tap is a TCP pipe to a server that counts the connections made through
// it. A routing table that names taps instead of the servers lets a test
// prove which servers a process connected to: the bytes pass unchanged,
// so the driver and the server speak Bolt (and TLS, if any) to each other
// as if directly.
type Tap struct {
	ln     net.Listener
	target string

	mu     sync.Mutex
	n      int
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

// StartTap listens on addr (port 0 picks one) and pipes every connection
// to target.
func StartTap(addr, target string) (*Tap, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("boltrouter: tap: %w", err)
	}
	t := &Tap{ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	t.wg.Add(1)
	go t.accept()
	return t, nil
}

// Addr is the host:port clients connect to.
func (t *Tap) Addr() string { return t.ln.Addr().String() }

// Target is the server the tap pipes to.
func (t *Tap) Target() string { return t.target }

// Conns is how many connections have been made through the tap.
func (t *Tap) Conns() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.n
}

// Close stops listening, cuts every connection and waits for the pipes.
func (t *Tap) Close() error {
	err := t.ln.Close()
	t.mu.Lock()
	t.closed = true
	for c := range t.conns {
		_ = c.Close()
	}
	t.mu.Unlock()
	t.wg.Wait()
	return err
}

func (t *Tap) accept() {
	defer t.wg.Done()
	for {
		c, err := t.ln.Accept()
		if err != nil {
			return // closed
		}
		t.mu.Lock()
		t.n++
		t.mu.Unlock()
		up, err := net.Dial("tcp", t.target)
		if err != nil {
			_ = c.Close() // the client sees the server as down, as it is
			continue
		}
		t.mu.Lock()
		if t.closed { // Close ran while this one was dialling
			t.mu.Unlock()
			_ = c.Close()
			_ = up.Close()
			continue
		}
		t.conns[c], t.conns[up] = struct{}{}, struct{}{}
		t.mu.Unlock()
		t.wg.Add(2)
		pipe := func(dst, src net.Conn) {
			defer t.wg.Done()
			_, _ = io.Copy(dst, src)
			// One side ended: end both, so the other copy returns too.
			_ = dst.Close()
			_ = src.Close()
			t.mu.Lock()
			delete(t.conns, dst)
			delete(t.conns, src)
			t.mu.Unlock()
		}
		go pipe(up, c)
		go pipe(c, up)
	}
}
