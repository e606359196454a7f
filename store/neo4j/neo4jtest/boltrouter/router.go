// Package boltrouter is a Bolt server that answers routing requests and
// nothing else, for tests of how policygraph behaves behind a cluster's
// routing: the routing table it hands out sends readers to one Neo4j and
// writers to another, which a Community Neo4j (that only ever routes to
// itself) cannot do. It also has [Tap], a TCP pipe that counts the
// connections through it, to prove which servers a process talked to.
//
// It speaks just enough Bolt for the Go driver's routing: the handshake
// (it accepts Bolt 5.0, which every 5.x driver offers and which needs no
// LOGON), chunked PackStream messages, HELLO, ROUTE, RESET and GOODBYE. Any
// other request (RUN, BEGIN, ...) fails, as the driver never sends one to a
// server that the table lists as a router only; the router records it so a
// test can say so.
// https://neo4j.com/docs/bolt/current/bolt/message/
package boltrouter

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Message tags, from the Bolt specification.
const (
	msgHello   byte = 0x01
	msgGoodbye byte = 0x02
	msgReset   byte = 0x0F
	msgRun     byte = 0x10
	msgBegin   byte = 0x11
	msgRoute   byte = 0x66
	msgLogon   byte = 0x6A
	msgSuccess byte = 0x70
	msgIgnored byte = 0x7E
	msgFailure byte = 0x7F
)

const (
	boltMagic    = 0x6060B017
	handshakeSz  = 20 // the magic and four version proposals
	versionMajor = 5
	versionMinor = 0
	maxMessage   = 1 << 20
	agent        = "Neo4j/5.26.0"

	defaultTTL      = 300 * time.Second
	defaultDatabase = "neo4j"

	codeInvalid  = "Neo.ClientError.Request.Invalid"
	codeProtocol = "Neo.ClientError.Request.InvalidFormat"
	codeNotFound = "Neo.ClientError.Database.DatabaseNotFound"
	// unexpectedPrefix starts the failure of a request a router does not serve.
	unexpectedPrefix = "this server only routes: "
)

// Table is the routing table the router hands out.
type Table struct {
	// Readers and Writers are host:port addresses of Bolt servers.
	Readers, Writers []string
	// Routers are where the driver asks again when the table expires;
	// empty means the router itself.
	Routers []string
	// TTL is how long the driver keeps the table; zero means 300 s, long
	// enough that a test never sees it refreshed.
	TTL time.Duration
	// Databases are the names it routes, the first being the home
	// database (for a ROUTE that names none); a ROUTE for any other fails
	// with DatabaseNotFound, as a cluster answers. Empty means "neo4j".
	Databases []string
}

// Route is one ROUTE request the router answered or refused.
type Route struct {
	// Database is the database the request named, "" for the home one.
	Database string
	// Bookmarks are the bookmarks the driver sent along.
	Bookmarks []string
}

// Router is a running routing server.
type Router struct {
	ln    net.Listener
	table Table

	mu         sync.Mutex
	routes     []Route
	unexpected []string // tags of requests it does not serve, by name
	conns      map[net.Conn]struct{}
	closed     bool
	wg         sync.WaitGroup
}

// Start listens on addr (host:port; port 0 picks one) and serves the table
// until Close.
func Start(addr string, t Table) (*Router, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("boltrouter: %w", err)
	}
	if t.TTL <= 0 {
		t.TTL = defaultTTL
	}
	if len(t.Databases) == 0 {
		t.Databases = []string{defaultDatabase}
	}
	if len(t.Routers) == 0 {
		t.Routers = []string{ln.Addr().String()}
	}
	r := &Router{ln: ln, table: t, conns: map[net.Conn]struct{}{}}
	r.wg.Add(1)
	go r.accept()
	return r, nil
}

// Addr is the host:port the router listens on.
func (r *Router) Addr() string { return r.ln.Addr().String() }

// Routes returns the ROUTE requests so far.
func (r *Router) Routes() []Route {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.routes)
}

// Unexpected returns the requests so far that a router does not serve
// (queries, transactions), by message name; a driver that routes right
// sends none.
func (r *Router) Unexpected() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.unexpected)
}

// Close stops listening, closes every connection and waits for them.
func (r *Router) Close() error {
	err := r.ln.Close()
	r.mu.Lock()
	r.closed = true
	for c := range r.conns {
		_ = c.Close()
	}
	r.mu.Unlock()
	r.wg.Wait()
	return err
}

func (r *Router) accept() {
	defer r.wg.Done()
	for {
		c, err := r.ln.Accept()
		if err != nil {
			return // closed
		}
		r.mu.Lock()
		if r.closed { // Close ran since Accept returned
			r.mu.Unlock()
			_ = c.Close()
			return
		}
		r.conns[c] = struct{}{}
		r.mu.Unlock()
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			_ = r.serve(c) // a test sees the outcome through the driver
			r.mu.Lock()
			delete(r.conns, c)
			r.mu.Unlock()
			_ = c.Close()
		}()
	}
}

// serve runs one connection: the handshake, then one reply per request
// until GOODBYE, a protocol error or the client hanging up.
func (r *Router) serve(c net.Conn) error {
	var hs [handshakeSz]byte
	if _, err := io.ReadFull(c, hs[:]); err != nil {
		return err
	}
	v, err := negotiate(hs)
	if _, werr := c.Write(v[:]); werr != nil || err != nil {
		return errors.Join(err, werr)
	}
	in := bufio.NewReader(c)
	s := &session{r: r, state: connected, id: "bolt-" + strconv.Itoa(connID(c))}
	for {
		b, err := readMessage(in, maxMessage)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		var replies []Struct
		msg, err := decode(b)
		if m, ok := msg.(Struct); err == nil && ok {
			replies = s.handle(m)
		} else {
			// Bytes that are no message leave nothing to go on: say so and
			// hang up, as a server does.
			replies, s.state = []Struct{failure(codeProtocol, fmt.Sprintf("not a Bolt message: %v", err))}, defunct
		}
		var out []byte
		for _, m := range replies {
			p, err := encode(nil, m)
			if err != nil {
				return err
			}
			out = append(out, chunk(p)...)
		}
		if len(out) > 0 {
			if _, err := c.Write(out); err != nil {
				return err
			}
		}
		if s.state == defunct {
			return nil
		}
	}
}

// connID numbers a connection by its remote port, which is unique while
// it is open and shows up in the driver's logs.
func connID(c net.Conn) int {
	if a, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		return a.Port
	}
	return 0
}

// negotiate picks Bolt 5.0 from the client's four proposals. Each is
// [0, range, minor, major], offering major.minor down to
// major.(minor-range). The zero version means none is acceptable, and the
// client hangs up.
func negotiate(hs [handshakeSz]byte) ([4]byte, error) {
	var none [4]byte
	if m := uint32(hs[0])<<24 | uint32(hs[1])<<16 | uint32(hs[2])<<8 | uint32(hs[3]); m != boltMagic {
		return none, fmt.Errorf("bolt: bad magic 0x%08X", m)
	}
	for i := 4; i < handshakeSz; i += 4 {
		rng, minor, major := int(hs[i+1]), int(hs[i+2]), int(hs[i+3])
		if major == versionMajor && minor >= versionMinor && minor-rng <= versionMinor {
			return [4]byte{0, 0, versionMinor, versionMajor}, nil
		}
	}
	return none, fmt.Errorf("bolt: no proposal covers %d.%d: % X", versionMajor, versionMinor, hs[4:])
}

// state is where a connection is in Bolt's server state machine, reduced
// to what a router goes through.
type state int

const (
	connected state = iota // before HELLO
	ready                  // logged in
	failed                 // a request failed: everything is IGNORED until RESET
	defunct                // closed: GOODBYE, or an error that ends the connection
)

// session is one connection's state.
type session struct {
	r     *Router
	state state
	id    string
}

// handle answers one request and moves the state machine.
func (s *session) handle(m Struct) []Struct {
	switch {
	case m.Tag == msgGoodbye:
		s.state = defunct
		return nil
	case s.state == connected:
		if m.Tag != msgHello || len(m.Fields) != 1 {
			s.state = defunct
			return []Struct{failure(codeProtocol, "the first message must be HELLO {extra}, not "+name(m.Tag))}
		}
		if _, ok := m.Fields[0].(map[string]any); !ok {
			s.state = defunct
			return []Struct{failure(codeProtocol, "HELLO takes a map")}
		}
		// Any credentials: this router guards nothing, and the servers it
		// routes to check them again.
		s.state = ready
		return []Struct{success(map[string]any{"server": agent, "connection_id": s.id})}
	case m.Tag == msgReset:
		s.state = ready
		return []Struct{success(map[string]any{})}
	case s.state == failed:
		return []Struct{{Tag: msgIgnored}}
	case m.Tag == msgRoute:
		rt, err := s.r.route(m)
		if err != nil {
			s.state = failed
			return []Struct{*err}
		}
		return []Struct{success(map[string]any{"rt": rt})}
	}
	s.r.mu.Lock()
	s.r.unexpected = append(s.r.unexpected, name(m.Tag))
	s.r.mu.Unlock()
	s.state = failed
	return []Struct{failure(codeInvalid, unexpectedPrefix+name(m.Tag)+" is not served")}
}

// route answers ROUTE {routing context} [bookmarks] {db, imp_user}, the
// form of Bolt 4.4 and 5: the routing table of the database named, or of
// the home database.
func (r *Router) route(m Struct) (map[string]any, *Struct) {
	bad := func(why string) (map[string]any, *Struct) {
		f := failure(codeProtocol, "ROUTE "+why)
		return nil, &f
	}
	if len(m.Fields) != 3 {
		return bad(fmt.Sprintf("takes 3 fields, not %d", len(m.Fields)))
	}
	if _, ok := m.Fields[0].(map[string]any); !ok {
		return bad("routing context must be a map")
	}
	list, ok := m.Fields[1].([]any)
	if !ok {
		return bad("bookmarks must be a list")
	}
	req := Route{}
	for _, b := range list {
		s, ok := b.(string)
		if !ok {
			return bad("bookmarks must be strings")
		}
		req.Bookmarks = append(req.Bookmarks, s)
	}
	extra, ok := m.Fields[2].(map[string]any)
	if !ok {
		return bad("extra must be a map (Bolt 4.4 and later)")
	}
	switch db := extra["db"].(type) {
	case nil:
	case string:
		req.Database = db
	default:
		return bad("db must be a string")
	}
	r.mu.Lock()
	r.routes = append(r.routes, req)
	r.mu.Unlock()

	db := req.Database
	if db == "" {
		db = r.table.Databases[0]
	}
	if !slices.Contains(r.table.Databases, db) {
		f := failure(codeNotFound, fmt.Sprintf("Database does not exist. Database name: '%s'.", db))
		return nil, &f
	}
	t := r.table
	return map[string]any{
		"ttl": int64(t.TTL / time.Second),
		"db":  db,
		"servers": []any{
			map[string]any{"role": "ROUTE", "addresses": t.Routers},
			map[string]any{"role": "READ", "addresses": t.Readers},
			map[string]any{"role": "WRITE", "addresses": t.Writers},
		},
	}, nil
}

func success(meta map[string]any) Struct {
	return Struct{Tag: msgSuccess, Fields: []any{meta}}
}

func failure(code, message string) Struct {
	return Struct{Tag: msgFailure, Fields: []any{map[string]any{"code": code, "message": message}}}
}

// name is a request's name for messages and Unexpected.
func name(tag byte) string {
	switch tag {
	case msgHello:
		return "HELLO"
	case msgGoodbye:
		return "GOODBYE"
	case msgReset:
		return "RESET"
	case msgRun:
		return "RUN"
	case msgBegin:
		return "BEGIN"
	case 0x12:
		return "COMMIT"
	case 0x13:
		return "ROLLBACK"
	case 0x2F:
		return "DISCARD"
	case 0x3F:
		return "PULL"
	case 0x54:
		return "TELEMETRY"
	case msgRoute:
		return "ROUTE"
	case msgLogon:
		return "LOGON"
	case 0x6B:
		return "LOGOFF"
	}
	return fmt.Sprintf("message 0x%02X", tag)
}
