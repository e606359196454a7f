package boltrouter

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"math"
	"net"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	neo4jdrv "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

func TestNegotiate(t *testing.T) {
	magic := []byte{0x60, 0x60, 0xB0, 0x17}
	hs := func(proposals ...[4]byte) [handshakeSz]byte {
		var b [handshakeSz]byte
		copy(b[:], magic)
		for i, p := range proposals {
			copy(b[4+4*i:], p[:])
		}
		return b
	}
	v50 := [4]byte{0, 0, 0, 5}
	tests := []struct {
		name string
		hs   [handshakeSz]byte
		want [4]byte
		err  string
	}{
		// What neo4j-go-driver v5.28 sends: the manifest marker, 5.8 down
		// to 5.0, 4.4 down to 4.2, 3.0.
		{"go driver 5.28", hs([4]byte{0, 0, 1, 0xFF}, [4]byte{0, 8, 8, 5}, [4]byte{0, 2, 4, 4}, [4]byte{0, 0, 0, 3}), v50, ""},
		{"exactly 5.0", hs([4]byte{0, 0, 0, 5}), v50, ""},
		{"5.0 in the last slot", hs([4]byte{0, 0, 4, 4}, [4]byte{}, [4]byte{}, [4]byte{0, 3, 3, 5}), v50, ""},
		{"5.8 down to 5.4 only", hs([4]byte{0, 4, 8, 5}), [4]byte{}, "no proposal covers 5.0"},
		{"4.x only", hs([4]byte{0, 2, 4, 4}, [4]byte{0, 0, 0, 3}), [4]byte{}, "no proposal covers 5.0"},
		{"HTTP, not Bolt", [handshakeSz]byte{'G', 'E', 'T', ' '}, [4]byte{}, "bad magic"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := negotiate(tt.hs)
			if got != tt.want {
				t.Errorf("negotiate = % X, want % X", got, tt.want)
			}
			if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
				t.Errorf("negotiate error = %v, want %q", err, tt.err)
			}
		})
	}
}

func TestPackStream(t *testing.T) {
	tests := []struct {
		v    any
		want []byte // nil: only the round trip is checked
	}{
		{nil, []byte{0xC0}},
		{true, []byte{0xC3}},
		{false, []byte{0xC2}},
		{int64(1), []byte{0x01}},
		{int64(127), []byte{0x7F}},
		{int64(-16), []byte{0xF0}},
		{int64(-17), []byte{0xC8, 0xEF}},
		{int64(128), []byte{0xC9, 0x00, 0x80}},
		{int64(-129), []byte{0xC9, 0xFF, 0x7F}},
		{int64(32768), []byte{0xCA, 0x00, 0x00, 0x80, 0x00}},
		{int64(math.MaxInt64), []byte{0xCB, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}},
		{int64(math.MinInt32), nil},
		{1.5, []byte{0xC1, 0x3F, 0xF8, 0, 0, 0, 0, 0, 0}},
		{"", []byte{0x80}},
		{"a", []byte{0x81, 'a'}},
		{"ünïcode", nil},
		{strings.Repeat("x", 16), append([]byte{0xD0, 16}, strings.Repeat("x", 16)...)},
		{strings.Repeat("x", 300), append([]byte{0xD1, 0x01, 0x2C}, strings.Repeat("x", 300)...)},
		{strings.Repeat("x", 70000), nil},
		{[]byte{1, 2}, []byte{0xCC, 2, 1, 2}},
		{[]any{}, []byte{0x90}},
		{[]any{int64(1), "a", nil}, []byte{0x93, 0x01, 0x81, 'a', 0xC0}},
		{make([]any, 20), nil},
		{map[string]any{}, []byte{0xA0}},
		{map[string]any{"b": int64(2), "a": int64(1)}, []byte{0xA2, 0x81, 'a', 0x01, 0x81, 'b', 0x02}},
		{map[string]any{"rt": map[string]any{"servers": []any{map[string]any{"role": "READ", "addresses": []any{"h:1"}}}}}, nil},
		{Struct{Tag: msgReset, Fields: []any{}}, []byte{0xB0, 0x0F}},
		{Struct{Tag: msgHello, Fields: []any{map[string]any{}}}, []byte{0xB1, 0x01, 0xA0}},
	}
	for _, tt := range tests {
		b, err := encode(nil, tt.v)
		if err != nil {
			t.Errorf("encode(%#v): %v", tt.v, err)
			continue
		}
		if tt.want != nil && !bytes.Equal(b, tt.want) {
			t.Errorf("encode(%.40v) = % X, want % X", tt.v, b, tt.want)
		}
		got, err := decode(b)
		if err != nil || !reflect.DeepEqual(got, tt.v) {
			t.Errorf("decode(encode(%.40v)) = %.40v, %v", tt.v, got, err)
		}
	}
}

func TestPackStreamRejects(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
		err  string
	}{
		{"nothing", nil, "past the end"},
		{"short string", []byte{0x85, 'a'}, "past the end"},
		{"short int", []byte{0xCA, 0x00}, "past the end"},
		{"list longer than the message", []byte{0xD6, 0x7F, 0xFF, 0xFF, 0xFF}, "past the end"},
		{"map key not a string", []byte{0xA1, 0x01, 0x01}, "map key of type int64"},
		{"unknown marker", []byte{0xC4}, "unknown marker 0xC4"},
		{"trailing bytes", []byte{0x01, 0x02}, "1 bytes after the value"},
		{"nested too deep", bytes.Repeat([]byte{0x91}, 40), "nested too deep"},
	}
	for _, tt := range tests {
		if v, err := decode(tt.b); err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: decode(% X) = %v, %v; want an error with %q", tt.name, tt.b, v, err, tt.err)
		}
	}
}

func TestChunks(t *testing.T) {
	for _, n := range []int{1, 100, math.MaxUint16, math.MaxUint16 + 1, 3*math.MaxUint16 + 7} {
		msg := bytes.Repeat([]byte{0xAB}, n)
		// Two keep-alives before the message must be skipped.
		wire := append([]byte{0, 0, 0, 0}, chunk(msg)...)
		got, err := readMessage(bytes.NewReader(wire), 1<<20)
		if err != nil || !bytes.Equal(got, msg) {
			t.Errorf("%d bytes: read back %d bytes, %v", n, len(got), err)
		}
	}
	if _, err := readMessage(bytes.NewReader(chunk(make([]byte, 2000))), 1000); err == nil {
		t.Error("a message over the limit was read")
	}
	if _, err := readMessage(bytes.NewReader([]byte{0, 5, 1, 2}), 1000); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("a cut chunk: %v, want unexpected EOF", err)
	}
	if _, err := readMessage(bytes.NewReader(nil), 1000); err != io.EOF {
		t.Errorf("a closed connection: %v, want EOF", err)
	}
}

// Requests as the driver sends them.
var (
	hello   = Struct{Tag: msgHello, Fields: []any{map[string]any{"user_agent": "test", "scheme": "basic", "principal": "neo4j", "credentials": "x"}}}
	reset   = Struct{Tag: msgReset, Fields: []any{}}
	goodbye = Struct{Tag: msgGoodbye, Fields: []any{}}
	run     = Struct{Tag: msgRun, Fields: []any{"RETURN 1", map[string]any{}, map[string]any{}}}
	logon   = Struct{Tag: msgLogon, Fields: []any{map[string]any{"scheme": "none"}}}
)

func route(db any, bookmarks ...any) Struct {
	extra := map[string]any{}
	if db != nil {
		extra["db"] = db
	}
	return Struct{Tag: msgRoute, Fields: []any{map[string]any{"address": "r:1"}, append([]any{}, bookmarks...), extra}}
}

// TestHandle runs request sequences through one connection's state
// machine: each reply is its message name and, for a FAILURE, the code,
// for a SUCCESS to ROUTE, the database of the table.
func TestHandle(t *testing.T) {
	table := Table{Readers: []string{"b:2"}, Writers: []string{"a:1"}, Routers: []string{"r:0"}, TTL: time.Minute, Databases: []string{"neo4j", "other"}}
	tests := []struct {
		name       string
		requests   []Struct
		replies    []string
		end        state
		routes     []Route
		unexpected []string
	}{
		{
			name:     "route the named database",
			requests: []Struct{hello, route("other", "bm:1"), reset, goodbye},
			replies:  []string{"SUCCESS", "SUCCESS rt other", "SUCCESS"},
			end:      defunct,
			routes:   []Route{{Database: "other", Bookmarks: []string{"bm:1"}}},
		},
		{
			name:     "no database: the home one",
			requests: []Struct{hello, route(nil)},
			replies:  []string{"SUCCESS", "SUCCESS rt neo4j"},
			end:      ready,
			routes:   []Route{{}},
		},
		{
			name:     "unknown database fails; ignored until RESET",
			requests: []Struct{hello, route("system"), route("neo4j"), reset, route("neo4j")},
			replies:  []string{"SUCCESS", "FAILURE " + codeNotFound, "IGNORED", "SUCCESS", "SUCCESS rt neo4j"},
			end:      ready,
			routes:   []Route{{Database: "system"}, {Database: "neo4j"}},
		},
		{
			name:       "queries are not served",
			requests:   []Struct{hello, run, run, reset},
			replies:    []string{"SUCCESS", "FAILURE " + codeInvalid, "IGNORED", "SUCCESS"},
			end:        ready,
			unexpected: []string{"RUN"},
		},
		{
			name:       "LOGON is Bolt 5.1, not the 5.0 negotiated",
			requests:   []Struct{hello, logon},
			replies:    []string{"SUCCESS", "FAILURE " + codeInvalid},
			end:        failed,
			unexpected: []string{"LOGON"},
		},
		{
			name:     "anything before HELLO ends the connection",
			requests: []Struct{run},
			replies:  []string{"FAILURE " + codeProtocol},
			end:      defunct,
		},
		{
			name:     "HELLO without its map",
			requests: []Struct{{Tag: msgHello, Fields: []any{"x"}}},
			replies:  []string{"FAILURE " + codeProtocol},
			end:      defunct,
		},
		{
			name: "malformed ROUTE",
			requests: []Struct{hello,
				{Tag: msgRoute, Fields: []any{map[string]any{}, []any{}}},
				reset, {Tag: msgRoute, Fields: []any{map[string]any{}, []any{int64(1)}, map[string]any{}}},
				reset, {Tag: msgRoute, Fields: []any{map[string]any{}, []any{}, "neo4j"}}, // Bolt 4.3's form
				reset, {Tag: msgRoute, Fields: []any{map[string]any{}, []any{}, map[string]any{"db": int64(1)}}}},
			replies: []string{"SUCCESS", "FAILURE " + codeProtocol, "SUCCESS", "FAILURE " + codeProtocol,
				"SUCCESS", "FAILURE " + codeProtocol, "SUCCESS", "FAILURE " + codeProtocol},
			end: failed,
		},
		{
			name:     "GOODBYE before HELLO",
			requests: []Struct{goodbye},
			end:      defunct,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Router{table: table}
			s := &session{r: r, id: "bolt-1"}
			var got []string
			for _, m := range tt.requests {
				if s.state == defunct {
					t.Fatalf("request %s after the connection ended", name(m.Tag))
				}
				for _, reply := range s.handle(m) {
					got = append(got, describe(t, reply))
				}
			}
			if !slices.Equal(got, tt.replies) {
				t.Errorf("replies %q, want %q", got, tt.replies)
			}
			if s.state != tt.end {
				t.Errorf("ends in state %d, want %d", s.state, tt.end)
			}
			if !reflect.DeepEqual(r.routes, tt.routes) {
				t.Errorf("routes %+v, want %+v", r.routes, tt.routes)
			}
			if !slices.Equal(r.unexpected, tt.unexpected) {
				t.Errorf("unexpected %q, want %q", r.unexpected, tt.unexpected)
			}
		})
	}
}

// describe names a reply and checks that it encodes; a routing table must
// be what the driver parses: ttl, db, and the servers by role.
func describe(t *testing.T, m Struct) string {
	t.Helper()
	if _, err := encode(nil, m); err != nil {
		t.Fatalf("reply %+v does not encode: %v", m, err)
	}
	switch m.Tag {
	case msgIgnored:
		return "IGNORED"
	case msgFailure:
		return "FAILURE " + m.Fields[0].(map[string]any)["code"].(string)
	case msgSuccess:
		meta := m.Fields[0].(map[string]any)
		rt, ok := meta["rt"].(map[string]any)
		if !ok {
			return "SUCCESS"
		}
		want := []any{
			map[string]any{"role": "ROUTE", "addresses": []string{"r:0"}},
			map[string]any{"role": "READ", "addresses": []string{"b:2"}},
			map[string]any{"role": "WRITE", "addresses": []string{"a:1"}},
		}
		if rt["ttl"] != int64(60) || !reflect.DeepEqual(rt["servers"], want) {
			t.Errorf("routing table %v, want ttl 60 and servers %v", rt, want)
		}
		return "SUCCESS rt " + rt["db"].(string)
	}
	return name(m.Tag)
}

// TestServeOverTCP speaks to a started router byte by byte: handshake,
// HELLO, ROUTE, GOODBYE.
func TestServeOverTCP(t *testing.T) {
	r, err := Start("127.0.0.1:0", Table{Readers: []string{"b:2"}, Writers: []string{"a:1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	c, err := net.Dial("tcp", r.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write([]byte{0x60, 0x60, 0xB0, 0x17, 0, 8, 8, 5, 0, 2, 4, 4, 0, 0, 0, 3, 0, 0, 0, 0}); err != nil {
		t.Fatal(err)
	}
	var v [4]byte
	if _, err := io.ReadFull(c, v[:]); err != nil || v != [4]byte{0, 0, 0, 5} {
		t.Fatalf("handshake answer % X, %v; want 00 00 00 05", v, err)
	}
	in := bufio.NewReader(c)
	ask := func(m Struct) map[string]any {
		t.Helper()
		b, _ := encode(nil, m)
		if _, err := c.Write(chunk(b)); err != nil {
			t.Fatal(err)
		}
		b, err := readMessage(in, maxMessage)
		if err != nil {
			t.Fatal(err)
		}
		v, err := decode(b)
		if err != nil {
			t.Fatal(err)
		}
		s := v.(Struct)
		if s.Tag != msgSuccess {
			t.Fatalf("%s: reply %+v, want SUCCESS", name(m.Tag), s)
		}
		return s.Fields[0].(map[string]any)
	}
	if meta := ask(hello); meta["server"] != agent {
		t.Errorf("HELLO: %v", meta)
	}
	rt := ask(route("neo4j"))["rt"].(map[string]any)
	wantServers := []any{
		map[string]any{"role": "ROUTE", "addresses": []any{r.Addr()}},
		map[string]any{"role": "READ", "addresses": []any{"b:2"}},
		map[string]any{"role": "WRITE", "addresses": []any{"a:1"}},
	}
	if rt["ttl"] != int64(300) || rt["db"] != "neo4j" || !reflect.DeepEqual(rt["servers"], wantServers) {
		t.Errorf("routing table %v", rt)
	}
	b, _ := encode(nil, goodbye)
	_, _ = c.Write(chunk(b))
	if n, err := c.Read(v[:]); err != io.EOF {
		t.Errorf("after GOODBYE read %d bytes, %v; want the router to hang up", n, err)
	}
}

// knock is a server that records that a client connected and hangs up:
// enough to see where the driver goes.
type knock struct {
	ln net.Listener
	mu sync.Mutex
	n  int
}

func newKnock(t *testing.T) *knock {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	k := &knock{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			k.mu.Lock()
			k.n++
			k.mu.Unlock()
			c.Close()
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return k
}

func (k *knock) count() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.n
}

// TestDriverFollowsTheTable: the real Go driver, given neo4j://router,
// takes the router's table and connects to the reader for a read session
// and to the writer for a write session, never sending the router a query.
func TestDriverFollowsTheTable(t *testing.T) {
	tests := []struct {
		mode          neo4jdrv.AccessMode
		reads, writes int // connections wanted at each, 0 or more than 0
	}{
		{neo4jdrv.AccessModeRead, 1, 0},
		{neo4jdrv.AccessModeWrite, 0, 1},
	}
	for _, tt := range tests {
		reader, writer := newKnock(t), newKnock(t)
		r, err := Start("127.0.0.1:0", Table{Readers: []string{reader.ln.Addr().String()}, Writers: []string{writer.ln.Addr().String()}})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		driver, err := neo4jdrv.NewDriverWithContext("neo4j://"+r.Addr(), neo4jdrv.BasicAuth("neo4j", "x", ""))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		sess := driver.NewSession(ctx, neo4jdrv.SessionConfig{DatabaseName: "neo4j", AccessMode: tt.mode})
		_, err = sess.Run(ctx, "RETURN 1", nil)
		sess.Close(ctx)
		driver.Close(ctx)
		cancel()
		if err == nil {
			t.Fatalf("mode %d: a query succeeded against servers that hang up", tt.mode)
		}
		if got := reader.count() > 0; got != (tt.reads > 0) {
			t.Errorf("mode %d: reader connections %d, want %d (query error: %v)", tt.mode, reader.count(), tt.reads, err)
		}
		if got := writer.count() > 0; got != (tt.writes > 0) {
			t.Errorf("mode %d: writer connections %d, want %d (query error: %v)", tt.mode, writer.count(), tt.writes, err)
		}
		if routes := r.Routes(); len(routes) == 0 || routes[0].Database != "neo4j" {
			t.Errorf("mode %d: routes %+v, want one for neo4j", tt.mode, routes)
		}
		if u := r.Unexpected(); len(u) > 0 {
			t.Errorf("mode %d: the router got %q", tt.mode, u)
		}
	}
}

func TestTapCounts(t *testing.T) {
	echo, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer echo.Close()
	go func() {
		for {
			c, err := echo.Accept()
			if err != nil {
				return
			}
			go func() { _, _ = io.Copy(c, c); _ = c.Close() }()
		}
	}()
	tap, err := StartTap("127.0.0.1:0", echo.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer tap.Close()
	for i := range 3 {
		c, err := net.Dial("tcp", tap.Addr())
		if err != nil {
			t.Fatal(err)
		}
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		msg := []byte(strings.Repeat("x", 100000))
		go func() { _, _ = c.Write(msg) }()
		got := make([]byte, len(msg))
		if _, err := io.ReadFull(c, got); err != nil || !bytes.Equal(got, msg) {
			t.Fatalf("connection %d: echo through the tap: %v", i, err)
		}
		c.Close()
	}
	if n := tap.Conns(); n != 3 {
		t.Errorf("Conns() = %d, want 3", n)
	}
	// An open connection does not keep Close waiting.
	c, err := net.Dial("tcp", tap.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for tap.Conns() < 4 {
		time.Sleep(time.Millisecond)
	}
	done := make(chan error)
	go func() { done <- tap.Close() }()
	select {
	case err := <-done:
		_ = err // only that Close returns is checked here
	case <-time.After(5 * time.Second):
		t.Fatal("Close hangs while a connection is open")
	}
}
