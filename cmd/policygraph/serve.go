package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/data"
	"github.com/policygraph/policygraph/dataset"
	"github.com/policygraph/policygraph/export"
	"github.com/policygraph/policygraph/server"
	"github.com/policygraph/policygraph/server/auth"
	"github.com/policygraph/policygraph/store/memory"
	"github.com/policygraph/policygraph/store/neo4j"
	"github.com/policygraph/policygraph/web"
)

// Every serve flag may also come from the environment as POLICYGRAPH_ and
// the flag's name in upper snake case (--max-hops: POLICYGRAPH_MAX_HOPS),
// lists comma-separated; a flag on the command line wins. PORT sets the
// port to listen on, on every interface, as platforms that run containers
// expect.
const envPrefix = "POLICYGRAPH_"

func runServe(ctx context.Context, args []string, _, stderr io.Writer) int {
	cfg := server.DefaultConfig()
	g := &cfg.Graph
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var files, origins listFlag
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "`host:port` to listen on (default from PORT: \":$PORT\")")
	fs.Var(&files, "data", "dataset `FILE` to serve besides the seed, in-memory store only (repeatable)")
	noSeed := fs.Bool("no-seed", false, "leave out the built-in seed dataset (in-memory store)")
	fs.Var(&origins, "cors-origin", "`ORIGIN` whose pages may call the API from a browser, or * for any (repeatable)")
	fs.DurationVar(&g.Timeout, "timeout", g.Timeout, "time limit of a GraphQL request, passed to Neo4j as the transaction timeout")
	fs.IntVar(&g.MaxDepth, "max-depth", g.MaxDepth, "deepest selection nesting of a query")
	fs.IntVar(&g.MaxComplexity, "max-complexity", g.MaxComplexity, "highest cost of a query (lists cost their length times their items)")
	fs.IntVar(&g.MaxPageSize, "max-page-size", g.MaxPageSize, "largest page (first) and number of ids")
	fs.IntVar(&g.MaxNeighborhoodDepth, "max-neighborhood-depth", g.MaxNeighborhoodDepth, "largest neighborhood depth")
	fs.IntVar(&g.MaxNeighborhoodLimit, "max-neighborhood-limit", g.MaxNeighborhoodLimit, "largest neighborhood limit (entities)")
	fs.IntVar(&g.MaxHops, "max-hops", g.MaxHops, "largest maxHops of shortestPath and paths")
	fs.DurationVar(&g.BatchWait, "batch-wait", g.BatchWait, "how long dataloaders gather keys before calling the store")
	fs.DurationVar(&cfg.ReadHeaderTimeout, "read-header-timeout", cfg.ReadHeaderTimeout, "time limit to read a request's headers")
	fs.DurationVar(&cfg.ReadTimeout, "read-timeout", cfg.ReadTimeout, "time limit to read a whole request")
	fs.DurationVar(&cfg.WriteTimeout, "write-timeout", cfg.WriteTimeout, "time limit to write a response; must exceed --timeout")
	fs.DurationVar(&cfg.IdleTimeout, "idle-timeout", cfg.IdleTimeout, "how long an idle keep-alive connection stays open")
	fs.DurationVar(&cfg.ShutdownTimeout, "shutdown-timeout", cfg.ShutdownTimeout, "how long requests in flight may finish on SIGINT or SIGTERM")
	var ac authFlags
	fs.StringVar(&ac.keysFile, "api-keys", "", "API key `FILE`, one name:sha256-hex a line (policygraph apikey makes them)")
	fs.StringVar(&ac.jwtSecretFile, "jwt-secret-file", "", "`FILE` holding the HS256 secret of accepted JWTs (32 bytes or more)")
	fs.StringVar(&ac.jwtKeysFile, "jwt-keys", "", "PEM public key(s) or JWKS `FILE` verifying RS256/ES256 JWTs")
	fs.StringVar(&ac.jwtIssuer, "jwt-issuer", "", "iss claim a JWT must have (empty: any)")
	fs.StringVar(&ac.jwtAudience, "jwt-audience", "", "aud claim a JWT must hold (required with --jwt-secret-file or --jwt-keys)")
	fs.DurationVar(&ac.jwtLeeway, "jwt-leeway", 30*time.Second, "clock skew allowed in a JWT's exp and nbf")
	fs.BoolVar(&cfg.PublicMetrics, "public-metrics", false, "serve /metrics without authentication")
	fs.BoolVar(&cfg.InsecurePublic, "insecure-public", false, "allow listening beyond loopback without authentication: anyone who reaches the port reads the graph")
	fs.Float64Var(&cfg.RateLimit, "rate-limit", 0, "requests a second each client may make (by subject, else IP); 0: no limit")
	fs.IntVar(&cfg.RateBurst, "rate-burst", 0, "requests a client may make at once above --rate-limit (default: --rate-limit rounded up)")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn or error")
	fs.Usage = func() {
		fmt.Fprintln(stderr, `usage: policygraph serve [flags]

Serves the graph over GraphQL at /graphql, with a front door at / that
links everything else: the explorer, GraphiQL, the schema, the exports,
/healthz, /readyz and /metrics; the startup log lists their URLs. Off
loopback it needs --api-keys or a JWT key (or --insecure-public). With
NEO4J_URI set it serves that Neo4j (NEO4J_USER,
NEO4J_PASSWORD, NEO4J_DATABASE); without, an in-memory store of the seed
dataset and the --data files. Flags may also be set as POLICYGRAPH_<FLAG>
environment variables (POLICYGRAPH_MAX_HOPS=4).`)
		fs.PrintDefaults()
	}
	if port := os.Getenv("PORT"); port != "" {
		cfg.Addr = ":" + port
	}
	if err := setFromEnv(fs, os.LookupEnv); err != nil {
		fmt.Fprintln(stderr, "policygraph serve:", err)
		return 2
	}
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	cfg.CORSOrigins = origins
	if cfg.WriteTimeout <= g.Timeout {
		fmt.Fprintf(stderr, "policygraph serve: --write-timeout (%s) must exceed --timeout (%s)\n", cfg.WriteTimeout, g.Timeout)
		return 2
	}
	logger, err := newLogger(stderr, *logFormat, *logLevel)
	if err != nil {
		fmt.Fprintln(stderr, "policygraph serve:", err)
		return 2
	}
	if cfg.RateLimit < 0 || cfg.RateBurst < 0 {
		fmt.Fprintln(stderr, "policygraph serve: --rate-limit and --rate-burst must not be negative")
		return 2
	}
	verifier, desc, err := ac.verifier()
	if err != nil {
		fmt.Fprintln(stderr, "policygraph serve:", err)
		return 2
	}
	cfg.Auth = verifier
	if err := cfg.CheckExposure(ctx); err != nil {
		if errors.Is(err, server.ErrPublicWithoutAuth) {
			fmt.Fprintf(stderr, "policygraph serve: refusing to serve %s without authentication: it is not a loopback address (no host, 0.0.0.0 or [::] is every interface), so anyone who reaches the port would read the graph.\n"+
				"Give --api-keys FILE and/or --jwt-secret-file/--jwt-keys with --jwt-audience, listen on 127.0.0.1, or pass --insecure-public to serve it openly.\n", cfg.Addr)
		} else {
			fmt.Fprintln(stderr, "policygraph serve:", err)
		}
		return 2
	}
	if cfg.Auth == nil && cfg.InsecurePublic {
		logger.Warn("serving without authentication (--insecure-public): anyone who reaches the port reads the graph", "addr", cfg.Addr)
	}
	burst := cfg.RateBurst
	if cfg.RateLimit > 0 && burst == 0 {
		burst = int(math.Ceil(cfg.RateLimit)) // the server's default
	}
	logger.Info("access", "auth", desc, "public_metrics", cfg.PublicMetrics,
		"rate_limit", cfg.RateLimit, "rate_burst", burst)

	store, closeStore, err := openStore(ctx, logger, files, !*noSeed)
	if err != nil {
		logger.Error("cannot open the store", "err", err)
		return 1
	}
	defer closeStore()

	logger.Info("limits", "timeout", g.Timeout, "max_depth", g.MaxDepth, "max_complexity", g.MaxComplexity,
		"max_page_size", g.MaxPageSize, "max_neighborhood_depth", g.MaxNeighborhoodDepth,
		"max_neighborhood_limit", g.MaxNeighborhoodLimit, "max_hops", g.MaxHops, "cors_origins", origins)
	srv := newServer(cfg, store, logger)
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		logger.Error("cannot listen", "addr", cfg.Addr, "err", err)
		return 1
	}
	logURLs(logger, ln.Addr(), frontDoor())
	if err := srv.Serve(ctx, ln); err != nil {
		logger.Error("server stopped", "err", err)
		return 1
	}
	return 0
}

// newServer returns the API server over store with every route of serve:
// the front door at /, the explorer, GraphiQL and the exports besides the
// server's own.
func newServer(cfg server.Config, store pg.Store, logger *slog.Logger) *server.Server {
	srv := server.New(cfg, store, logger)
	// The explorer at /explore, GraphiQL at /graphiql: static pages with
	// no data in them, open so that a browser can load them; their calls
	// to /graphql need a token like any other (GraphiQL's headers pane).
	web.Register(publicRoutes{srv})
	// GraphML, GEXF and Cytoscape.js JSON downloads at /export/
	srv.Handle("GET /export/", export.Handler(srv.Store(), export.Limits{}, logger))
	// The root alone (any other unknown path stays a 404), open like the
	// explorer: it links the rest and shows nothing but totals.
	srv.HandlePublic("GET /{$}", web.Home(frontDoor(), srv.Store(), logger))
	return srv
}

// frontDoor lists what serve serves besides the front door itself, for
// the page at / and the startup log. A test requests every link.
func frontDoor() []web.Section {
	return []web.Section{
		{Title: "Explore", Links: []web.Link{
			{Path: "/explore", Title: "Explorer", About: "Search an entity, draw its neighbourhood, read the evidence of each relationship, find paths."},
			{Path: "/graphiql", Title: "GraphiQL", About: "Write and run GraphQL queries, with the schema's documentation and completion."},
		}},
		{Title: "API", Links: []web.Link{
			{Path: "/graphql", Href: "/graphql?query=%7B%20stats%20%7B%20entities%20relationships%20%7D%20%7D",
				Title: "GraphQL", About: "POST or GET; the link runs { stats { entities relationships } }."},
			{Path: "/schema.graphql", Title: "Schema", About: "The GraphQL schema as SDL, every type and field documented."},
		}},
		{Title: "Exports", Links: []web.Link{
			{Path: "/export/gexf", Title: "GEXF", About: "For Gephi. Parameters: center, depth, types, limit."},
			{Path: "/export/graphml", Title: "GraphML", About: "For Gephi, yEd, networkx and igraph."},
			{Path: "/export/cytoscape.json", Title: "Cytoscape.js JSON", About: "For cytoscape(doc) or cy.add(doc.elements)."},
		}},
		{Title: "Operations", Links: []web.Link{
			{Path: "/healthz", Title: "Liveness", About: "The process is up."},
			{Path: "/readyz", Title: "Readiness", About: "The store answers; 503 with a reason when it does not."},
			{Path: "/metrics", Title: "Metrics", About: "Prometheus: requests, latency, store calls."},
		}},
	}
}

// logURLs logs a line for the front door and for each of its links, as a
// URL on the address the server listens on; an address on every interface
// is shown as localhost.
func logURLs(logger *slog.Logger, addr net.Addr, sections []web.Section) {
	host := addr.String()
	if tcp, ok := addr.(*net.TCPAddr); ok && tcp.IP.IsUnspecified() {
		host = net.JoinHostPort("localhost", strconv.Itoa(tcp.Port))
	}
	logger.Info("url", "url", "http://"+host+"/", "what", "Front door")
	for _, s := range sections {
		for _, l := range s.Links {
			logger.Info("url", "url", "http://"+host+l.Path, "what", l.Title)
		}
	}
}

// openStore opens the Neo4j store when NEO4J_URI is set, else builds the
// in-memory store from the seed and the given files.
func openStore(ctx context.Context, logger *slog.Logger, files []string, seed bool) (pg.Store, func(), error) {
	if os.Getenv("NEO4J_URI") != "" {
		if len(files) > 0 || !seed {
			return nil, nil, errors.New("--data and --no-seed are for the in-memory store; write files to Neo4j with policygraph load")
		}
		cfg := neo4j.ConfigFromEnv()
		s, err := neo4j.Open(ctx, cfg)
		if err != nil {
			return nil, nil, fmt.Errorf("open Neo4j at %s: %w", cfg.RedactedURI(), err)
		}
		logger.Info("store", "kind", "neo4j", "uri", cfg.RedactedURI(), "database", cfg.Database)
		return s, func() { closeStore(ctx, s) }, nil
	}

	var fs []dataset.File
	if seed {
		fs = data.Seed()
	}
	fs = append(fs, dataset.Paths(files...)...)
	if len(fs) == 0 {
		return nil, nil, errors.New("nothing to serve: --no-seed and no --data files")
	}
	start := time.Now()
	ds, err := dataset.Load(ctx, fs, dataset.Options{})
	if err != nil {
		return nil, nil, fmt.Errorf("load dataset: %w", err)
	}
	logger.Info("store", "kind", "memory", "seed", seed, "files", files,
		"sources", len(ds.Sources), "entities", len(ds.Entities), "relationships", len(ds.Relationships),
		"took", time.Since(start).Round(time.Millisecond))
	store := memory.New(ds)
	// Decoding a large dataset leaves gigabytes of garbage; hand it back to
	// the OS now rather than keep it resident while serving.
	debug.FreeOSMemory()
	return store, func() {}, nil
}

// setFromEnv sets every flag whose POLICYGRAPH_ variable is set; a list
// flag takes each comma-separated item.
func setFromEnv(fs *flag.FlagSet, lookup func(string) (string, bool)) error {
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		name := envPrefix + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		v, ok := lookup(name)
		if !ok || v == "" || err != nil {
			return
		}
		values := []string{v}
		if _, isList := f.Value.(*listFlag); isList {
			values = strings.Split(v, ",")
		}
		for _, v := range values {
			if e := fs.Set(f.Name, strings.TrimSpace(v)); e != nil {
				err = fmt.Errorf("%s: %w", name, e)
				return
			}
		}
	})
	return err
}

func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: l}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format: want text or json, not %q", format)
}

// listFlag collects the values of a repeatable flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// publicRoutes registers routes on a server as public ones.
type publicRoutes struct{ srv *server.Server }

func (p publicRoutes) Handle(pattern string, h http.Handler) { p.srv.HandlePublic(pattern, h) }

// authFlags are serve's authentication flags.
type authFlags struct {
	keysFile, jwtSecretFile, jwtKeysFile string
	jwtIssuer, jwtAudience               string
	jwtLeeway                            time.Duration
}

// verifier builds the verifier the flags ask for, nil for none, and says
// what it accepts for the startup log.
func (a authFlags) verifier() (auth.Verifier, string, error) {
	var keys, jwtv auth.Verifier
	var desc []string
	if a.keysFile != "" {
		ks, err := auth.ReadKeyFile(a.keysFile)
		if err != nil {
			return nil, "", err
		}
		keys = ks
		desc = append(desc, fmt.Sprintf("%d API keys", ks.Len()))
	}
	if a.jwtSecretFile != "" || a.jwtKeysFile != "" {
		cfg := auth.JWTConfig{Issuer: a.jwtIssuer, Audience: a.jwtAudience, Leeway: a.jwtLeeway}
		if a.jwtSecretFile != "" {
			secret, err := auth.ReadSecretFile(a.jwtSecretFile)
			if err != nil {
				return nil, "", err
			}
			cfg.Secret = secret
			desc = append(desc, "HS256 JWTs")
		}
		if a.jwtKeysFile != "" {
			pub, err := auth.ReadPublicKeyFile(a.jwtKeysFile)
			if err != nil {
				return nil, "", err
			}
			cfg.PublicKeys = pub
			desc = append(desc, fmt.Sprintf("RS256/ES256 JWTs (%d keys)", len(pub)))
		}
		j, err := auth.NewJWT(cfg)
		if err != nil {
			return nil, "", fmt.Errorf("%w (--jwt-audience, --jwt-secret-file, --jwt-keys)", err)
		}
		jwtv = j
	} else if a.jwtIssuer != "" || a.jwtAudience != "" {
		return nil, "", errors.New("--jwt-issuer and --jwt-audience need --jwt-secret-file or --jwt-keys")
	}
	if keys == nil && jwtv == nil {
		return nil, "none", nil
	}
	return auth.Any(keys, jwtv), strings.Join(desc, ", "), nil
}
