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
	"os"

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
}

// ConfigFromEnv reads NEO4J_URI (default DefaultURI), NEO4J_USER (default
// "neo4j"), NEO4J_PASSWORD (default empty: no auth) and NEO4J_DATABASE
// (default "neo4j"). A variable that is set but empty counts as unset.
func ConfigFromEnv() Config {
	return Config{
		URI:      envOr("NEO4J_URI", DefaultURI),
		User:     envOr("NEO4J_USER", "neo4j"),
		Password: os.Getenv("NEO4J_PASSWORD"),
		Database: envOr("NEO4J_DATABASE", "neo4j"),
	}
}

// Connect creates a driver for cfg and verifies that the server accepts a
// login, so a wrong URI or password fails here rather than at the first
// query. Extra options tune the driver (pool size, timeouts, ...). The
// caller owns the driver and must Close it.
func Connect(ctx context.Context, cfg Config, opts ...func(*config.Config)) (neo4jdrv.DriverWithContext, error) {
	if cfg.URI == "" {
		return nil, errors.New("connect to neo4j: no URI configured (set NEO4J_URI)")
	}
	auth := neo4jdrv.NoAuth()
	if cfg.Password != "" {
		auth = neo4jdrv.BasicAuth(cfg.User, cfg.Password, "")
	}
	driver, err := neo4jdrv.NewDriverWithContext(cfg.URI, auth, opts...)
	if err != nil {
		return nil, fmt.Errorf("connect to neo4j at %s: %w", cfg.URI, err)
	}
	if err := driver.VerifyConnectivity(ctx); err != nil {
		// ctx may be what failed; closing must not depend on it.
		_ = driver.Close(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("connect to neo4j at %s: %w", cfg.URI, err)
	}
	return driver, nil
}

// envOr returns the value of the environment variable name, or fallback when
// it is unset or empty.
func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}
