// Package graph serves the policy knowledge graph over GraphQL: the
// resolvers of the schema in schema/*.graphqls, the limits that keep queries
// fast and safe, per-request dataloaders that batch every store call, and
// the mapping of errors to extensions.code.
//
// The resolvers talk to nothing but a [pg.Store].
package graph

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/graph/generated"
)

// Config holds the limits of the API. A zero field takes its default from
// [DefaultConfig].
type Config struct {
	// MaxDepth is the deepest selection a query may nest (introspection
	// fields not counted).
	MaxDepth int
	// MaxComplexity bounds the cost of a query, where each field costs 1 and
	// a list costs its length (first, limit or the number of ids) times the
	// cost of its items.
	MaxComplexity int
	// MaxPageSize bounds `first` and the number of ids asked at once.
	MaxPageSize int
	// MaxNeighborhoodDepth bounds neighborhood(depth).
	MaxNeighborhoodDepth int
	// MaxNeighborhoodLimit bounds neighborhood(limit).
	MaxNeighborhoodLimit int
	// MaxHops bounds shortestPath(maxHops) and paths(maxHops).
	MaxHops int
	// Timeout bounds a request; the Neo4j store passes the deadline on as
	// its transaction timeout.
	Timeout time.Duration
	// BatchWait is how long a dataloader gathers keys before it calls the
	// store: the sibling fields of a level all ask within it.
	BatchWait time.Duration
}

// DefaultConfig returns the default limits.
func DefaultConfig() Config {
	return Config{
		MaxDepth:             12,
		MaxComplexity:        50000,
		MaxPageSize:          100,
		MaxNeighborhoodDepth: 3,
		MaxNeighborhoodLimit: 1000,
		MaxHops:              6,
		Timeout:              10 * time.Second,
		BatchWait:            time.Millisecond,
	}
}

// withDefaults fills the zero fields of c from DefaultConfig.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	fill := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	fill(&c.MaxDepth, d.MaxDepth)
	fill(&c.MaxComplexity, d.MaxComplexity)
	fill(&c.MaxPageSize, d.MaxPageSize)
	fill(&c.MaxNeighborhoodDepth, d.MaxNeighborhoodDepth)
	fill(&c.MaxNeighborhoodLimit, d.MaxNeighborhoodLimit)
	fill(&c.MaxHops, d.MaxHops)
	if c.Timeout <= 0 {
		c.Timeout = d.Timeout
	}
	if c.BatchWait <= 0 {
		c.BatchWait = d.BatchWait
	}
	return c
}

// Bounds on a query document, checked before it is validated: ample for
// analyst queries and tools' introspection (a few hundred fields), far
// below what makes validation slow.
const (
	maxTokens = 10000
	maxFields = 2000
)

// Handler serves GraphQL over HTTP, GET and POST, with introspection on.
type Handler struct {
	cfg    Config
	store  pg.Store
	logger *slog.Logger
	srv    *handler.Server
}

// NewHandler returns the GraphQL handler over store. The logger gets the
// real cause of every INTERNAL and UNAVAILABLE error.
func NewHandler(cfg Config, store pg.Store, logger *slog.Logger) *Handler {
	cfg = cfg.withDefaults()
	h := &Handler{cfg: cfg, store: store, logger: logger}

	c := generated.Config{Resolvers: &Resolver{cfg: cfg, store: store, logger: logger}}
	setComplexity(&c.Complexity, cfg)
	srv := handler.New(generated.NewExecutableSchema(c))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.SetParserTokenLimit(maxTokens)
	srv.Use(documentLimit{maxTokens: maxTokens, maxFields: maxFields, accepted: lru.New[struct{}](1000)})
	srv.Use(extension.Introspection{})
	srv.Use(depthLimit{max: cfg.MaxDepth})
	srv.Use(extension.FixedComplexityLimit(cfg.MaxComplexity))
	srv.SetErrorPresenter(h.presentError)
	srv.SetRecoverFunc(h.recoverPanic)
	h.srv = srv
	return h
}

// Use adds a gqlgen extension, such as one that records metrics by
// operation.
func (h *Handler) Use(ext graphql.HandlerExtension) { h.srv.Use(ext) }

// ServeHTTP runs one request under the configured timeout, with dataloaders
// of its own so that nothing is cached across requests.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if e := checkRequest(w, r); e != nil {
		e.write(w)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), h.cfg.Timeout)
	defer cancel()
	ctx = withLoaders(ctx, newLoaders(h.store, h.cfg.BatchWait, h.logger))
	h.srv.ServeHTTP(w, r.WithContext(ctx))
}
