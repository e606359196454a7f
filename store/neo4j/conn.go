// Package neo4j is policygraph's storage layer on Neo4j.
//
// conn.go holds the connection plumbing: configuration from the environment
// and a driver that is known to work before it is handed out. Tests get a
// driver through the neo4jtest sub-package.
package neo4j

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	neo4jdrv "github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"
)

// DefaultURI is where scripts/neo4j starts a local Neo4j by default.
const DefaultURI = "bolt://127.0.0.1:7687"

// Config says where Neo4j is and how to log in.
type Config struct {
	// URI is the Bolt URI, e.g. bolt://127.0.0.1:7687 or neo4j://host:7687.
	URI string
	// User is the login name; ignored when Password is empty.
	User string
	// Password enables basic auth when non-empty; empty means no auth.
	Password string
	// Database is the database queries run against, e.g. "neo4j".
	Database string

	// Pool tuning for real deployments; zero keeps the driver's default
	// (100 connections, 1m acquisition timeout, 30s retry time).
	// MaxPoolSize caps the connections per server.
	MaxPoolSize int
	// AcquireTimeout bounds the wait for a free pooled connection.
	AcquireTimeout time.Duration
	// MaxRetryTime bounds how long a transaction is retried on transient
	// errors (leader switch, deadlock) before the error is returned.
	MaxRetryTime time.Duration

	// invalid records a malformed tuning variable; Connect reports it, so
	// a typo fails at start instead of silently using a default.
	invalid error
}

// RedactedURI is the URI as logs and errors may show it: a password
// written into it (bolt://user:secret@host) is replaced by "xxxxx".
func (c Config) RedactedURI() string { return RedactURI(c.URI) }

// RedactURI hides the password of a URI; a URI that does not parse is
// shown as its scheme alone, since it may hold one where the parser fails.
func RedactURI(uri string) string {
	u, err := url.Parse(uri)
	if err != nil {
		scheme, _, _ := strings.Cut(uri, "://")
		return scheme + "://(unparsable URI)"
	}
	return u.Redacted()
}

// ConfigFromEnv reads NEO4J_URI (default DefaultURI), NEO4J_USER (default
// "neo4j"), NEO4J_PASSWORD (default empty: no auth) and NEO4J_DATABASE
// (default "neo4j"), plus the pool tuning NEO4J_MAX_POOL_SIZE (an
// integer), NEO4J_ACQUIRE_TIMEOUT and NEO4J_MAX_RETRY_TIME (Go durations
// such as 30s). A variable that is set but empty counts as unset. The
// database is fixed per process: no GraphQL input reaches it.
func ConfigFromEnv() Config {
	cfg := Config{
		URI:      envOr("NEO4J_URI", DefaultURI),
		User:     envOr("NEO4J_USER", "neo4j"),
		Password: os.Getenv("NEO4J_PASSWORD"),
		Database: envOr("NEO4J_DATABASE", "neo4j"),
	}
	var errs []error
	if v := os.Getenv("NEO4J_MAX_POOL_SIZE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			errs = append(errs, fmt.Errorf("NEO4J_MAX_POOL_SIZE=%q: want a positive integer", v))
		}
		cfg.MaxPoolSize = n
	}
	cfg.AcquireTimeout = envDuration("NEO4J_ACQUIRE_TIMEOUT", &errs)
	cfg.MaxRetryTime = envDuration("NEO4J_MAX_RETRY_TIME", &errs)
	cfg.invalid = errors.Join(errs...)
	return cfg
}

// envDuration parses the positive Go duration in the variable name (zero
// when unset), appending a clear error to errs when it is malformed.
func envDuration(name string, errs *[]error) time.Duration {
	v := os.Getenv(name)
	if v == "" {
		return 0
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		*errs = append(*errs, fmt.Errorf("%s=%q: want a positive duration such as 30s", name, v))
		return 0
	}
	return d
}

// tune applies cfg's pool settings to the driver configuration; options
// passed to Connect run after it and win.
func (cfg Config) tune(c *config.Config) {
	if cfg.MaxPoolSize > 0 {
		c.MaxConnectionPoolSize = cfg.MaxPoolSize
	}
	if cfg.AcquireTimeout > 0 {
		c.ConnectionAcquisitionTimeout = cfg.AcquireTimeout
	}
	if cfg.MaxRetryTime > 0 {
		c.MaxTransactionRetryTime = cfg.MaxRetryTime
	}
}

// Connect creates a driver for cfg and proves that the server accepts a
// login and answers on cfg.Database in a session of the given mode, so a
// wrong URI, password or database name fails here rather than at the first
// query. The mode is the process's: AccessModeRead for one that serves
// reads (on a cluster the check reaches a reader, as its queries will),
// AccessModeWrite for one that loads (the check reaches the writer and
// nothing else). Extra options tune the driver (pool size, timeouts, ...).
// The caller owns the driver and must Close it.
func Connect(ctx context.Context, cfg Config, mode neo4jdrv.AccessMode, opts ...func(*config.Config)) (neo4jdrv.DriverWithContext, error) {
	if cfg.URI == "" {
		return nil, errors.New("connect to neo4j: no URI configured (set NEO4J_URI)")
	}
	if cfg.invalid != nil {
		return nil, fmt.Errorf("connect to neo4j: %w", cfg.invalid)
	}
	auth := neo4jdrv.NoAuth()
	if cfg.Password != "" {
		auth = neo4jdrv.BasicAuth(cfg.User, cfg.Password, "")
	}
	opts = append([]func(*config.Config){cfg.tune}, opts...)
	driver, err := neo4jdrv.NewDriverWithContext(cfg.URI, auth, opts...)
	if err != nil {
		return nil, fmt.Errorf("connect to neo4j at %s: %w", cfg.RedactedURI(), err)
	}
	if err := verify(ctx, driver, cfg.Database, mode); err != nil {
		// ctx may be what failed; closing must not depend on it.
		_ = driver.Close(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("connect to neo4j at %s, database %q: %w", cfg.RedactedURI(), cfg.Database, err)
	}
	return driver, nil
}

// verify runs RETURN 1 on database in a session of the given mode. The
// driver's own VerifyConnectivity does not do: it always asks a reader,
// about the home database, so a `load` behind a cluster's routing would
// talk to a reader, and a misspelt NEO4J_DATABASE would pass.
func verify(ctx context.Context, driver neo4jdrv.DriverWithContext, database string, mode neo4jdrv.AccessMode) error {
	sess := driver.NewSession(ctx, neo4jdrv.SessionConfig{DatabaseName: database, AccessMode: mode})
	defer closeSession(ctx, sess)
	res, err := sess.Run(ctx, "RETURN 1", nil)
	if err == nil {
		_, err = res.Consume(ctx)
	}
	return err
}

// envOr returns the value of the environment variable name, or fallback when
// it is unset or empty.
func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}
