// Package server serves the policy knowledge graph over HTTP: GraphQL at
// /graphql, its schema as SDL at /schema.graphql, liveness at /healthz,
// readiness at /readyz and Prometheus metrics at /metrics, with access
// logs, CORS and graceful shutdown. Other routes join through
// [Server.Handle].
package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"time"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/server/auth"
)

// Config configures a Server. A zero field takes its default from
// [DefaultConfig].
type Config struct {
	// Addr is where ListenAndServe listens, host:port.
	Addr string
	// CORSOrigins are the origins whose browser pages may call the API;
	// "*" allows any. None: no cross-origin access.
	CORSOrigins []string

	ReadHeaderTimeout time.Duration // to read a request's headers
	ReadTimeout       time.Duration // to read a whole request
	WriteTimeout      time.Duration // to write a response; above Graph.Timeout
	IdleTimeout       time.Duration // to keep an idle connection open
	ShutdownTimeout   time.Duration // for requests in flight to finish on shutdown
	ReadyTimeout      time.Duration // for the store to answer /readyz's ping
	MaxBodyBytes      int64         // the largest GraphQL request body

	// Graph holds the limits of the GraphQL API.
	Graph graph.Config

	// Auth, when set, verifies the bearer token of every request except
	// those of public routes (/healthz, /readyz, /metrics when
	// PublicMetrics, and routes added with HandlePublic).
	Auth auth.Verifier
	// PublicMetrics leaves /metrics open when Auth is set, for a scraper
	// that sends no token.
	PublicMetrics bool
	// InsecurePublic allows listening beyond loopback without Auth.
	InsecurePublic bool
	// RateLimit is how many requests a second each client may make on
	// the guarded routes, refilling a bucket of RateBurst; a client is
	// its authenticated subject, else its IP address. 0: no limit.
	RateLimit float64
	RateBurst int // default: RateLimit rounded up, at least 1
}

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	return Config{
		Addr:              "127.0.0.1:8080",
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ShutdownTimeout:   15 * time.Second,
		ReadyTimeout:      2 * time.Second,
		MaxBodyBytes:      1 << 20,
		Graph:             graph.DefaultConfig(),
	}
}

func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.Addr == "" {
		c.Addr = d.Addr
	}
	for _, f := range []struct{ v, def *time.Duration }{
		{&c.ReadHeaderTimeout, &d.ReadHeaderTimeout}, {&c.ReadTimeout, &d.ReadTimeout},
		{&c.WriteTimeout, &d.WriteTimeout}, {&c.IdleTimeout, &d.IdleTimeout},
		{&c.ShutdownTimeout, &d.ShutdownTimeout}, {&c.ReadyTimeout, &d.ReadyTimeout},
	} {
		if *f.v <= 0 {
			*f.v = *f.def
		}
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = d.MaxBodyBytes
	}
	if c.RateLimit > 0 && c.RateBurst <= 0 {
		c.RateBurst = max(1, int(math.Ceil(c.RateLimit)))
	}
	return c
}

// Server is the HTTP API. It is an http.Handler; ListenAndServe runs it.
type Server struct {
	cfg     Config
	store   pg.Store // instrumented
	logger  *slog.Logger
	metrics *metrics
	mux     *http.ServeMux
	handler http.Handler // mux within the middleware
	limiter *limiter     // nil: no rate limit
}

// New returns a Server over store. Every store call is counted and timed
// in the server's metrics.
func New(cfg Config, store pg.Store, logger *slog.Logger) *Server {
	cfg = cfg.withDefaults()
	m := newMetrics()
	m.countStatements(store)
	s := &Server{
		cfg:     cfg,
		store:   instrument(store, m),
		logger:  logger,
		metrics: m,
		mux:     http.NewServeMux(),
	}
	if cfg.RateLimit > 0 {
		s.limiter = newLimiter(cfg.RateLimit, cfg.RateBurst, time.Now)
	}
	gql := graph.NewHandler(cfg.Graph, s.store, logger)
	gql.Use(m.operations())
	s.Handle("/graphql", http.MaxBytesHandler(gql, cfg.MaxBodyBytes))
	// Probes carry no token and must not be throttled into restarts.
	s.HandlePublic("GET /healthz", http.HandlerFunc(s.healthz))
	s.HandlePublic("GET /readyz", http.HandlerFunc(s.readyz))
	if cfg.PublicMetrics {
		s.HandlePublic("GET /metrics", m.handler())
	} else {
		s.Handle("GET /metrics", m.handler())
	}
	s.HandlePublic("GET /schema.graphql", schemaHandler())
	s.handler = s.recover(s.logRequests(cors(cfg.CORSOrigins, s.mux)))
	return s
}

// Handle adds a route, with a pattern of http.ServeMux ("GET /export/{format}").
// Its requests are logged, metered by pattern, and get CORS headers like
// the rest, and need authentication and count against the rate limit when
// the server has them.
func (s *Server) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, s.guard(h)) }

// HandlePublic adds a route like Handle that needs no authentication and
// has no rate limit: for routes that serve no data, such as static pages.
func (s *Server) HandlePublic(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// Store returns the server's store, instrumented, for handlers added with
// Handle.
func (s *Server) Store() pg.Store { return s.store }

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// ListenAndServe listens on the configured address and serves until ctx is
// done, then shuts down gracefully.
func (s *Server) ListenAndServe(ctx context.Context) error {
	if err := s.cfg.CheckExposure(ctx); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx is done, then stops taking connections and
// waits up to the shutdown timeout for the requests in flight.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(s.logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	s.logger.Info("serving", "addr", ln.Addr().String())

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.logger.Info("shutting down", "timeout", s.cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz reports whether the store answers. The reason says what kind of
// failure it was; the error itself, which may hold driver details, is
// logged.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ReadyTimeout)
	defer cancel()
	err := s.store.Ping(ctx)
	if err == nil {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
		return
	}
	code := pg.ErrorCode(err)
	if ctx.Err() != nil {
		code = pg.ETimeout // a driver may not wrap the deadline
	}
	reason := "the graph store failed its health check"
	switch code {
	case pg.EUnavailable:
		reason = "the graph store is unavailable"
	case pg.ETimeout:
		reason = fmt.Sprintf("the graph store did not answer within %s", s.cfg.ReadyTimeout)
	}
	s.logger.WarnContext(ctx, "not ready", "err", err)
	writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": reason})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
