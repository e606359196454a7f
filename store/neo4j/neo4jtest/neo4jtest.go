// Package neo4jtest gives tests a driver for the Neo4j named by NEO4J_URI.
//
// Run the tests with `make test`: it starts a throw-away Neo4j with
// scripts/neo4j, points NEO4J_URI, NEO4J_USER and NEO4J_PASSWORD at it and
// stops it afterwards. Without NEO4J_URI, Neo4j tests skip loudly; with CI
// set they fail instead, so CI can never pass by skipping them.
//
// # Data isolation
//
// All test packages share ONE database and `go test ./...` runs packages in
// parallel processes. Tests that need the database to themselves (fixed
// IDs such as the seed dataset's) call [Exclusive], which takes a
// cross-process lock and wipes the database; every other test gets its
// driver from [Driver], which holds the shared side of that lock, and
// follows the rule:
//
//   - Every node a test creates gets an id (property "id") that starts with
//     UniquePrefix(t).
//   - The test registers CleanupByPrefix for that prefix (or deletes its
//     own data otherwise) and only ever matches its own ids.
//   - Queries that count or scan "everything" filter by the prefix.
//   - Schema (constraints, indexes) is created idempotently (IF NOT EXISTS)
//     and never dropped by tests.
//
// A package that really needs the whole database to itself (e.g. a bulk
// load benchmark) must not run as part of `make test` against the shared
// instance; give it its own target and instance (NEO4J_PORT,
// NEO4J_STATE_DIR with scripts/neo4j).
package neo4jtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	neo4jdrv "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policygraph/policygraph/store/neo4j"
)

// skipMessage is shown when no Neo4j is configured; it is loud on purpose
// because a skipped integration test is easy to mistake for a passing one.
const skipMessage = "!!! NEO4J_URI not set: skipping Neo4j test (run `make test` to start one) !!!"

// Config returns the connection settings from the environment. It skips the
// test under -short (the fast inner loop, `make check`), and when NEO4J_URI
// is unset, which fails it instead when CI is set.
func Config(t testing.TB) neo4j.Config {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: no Neo4j tests")
	}
	if os.Getenv("NEO4J_URI") == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("NEO4J_URI not set but CI is: Neo4j tests must run in CI (run them via `make test`)")
		}
		t.Skip(skipMessage)
	}
	return neo4j.ConfigFromEnv()
}

// Driver returns a connected driver for Config(t) and closes it when the
// test ends.
//
// It holds the shared side of the lock that [Exclusive] takes, so no
// Exclusive test wipes the database while this test runs.
func Driver(t testing.TB) neo4jdrv.DriverWithContext {
	t.Helper()
	cfg := Config(t)
	lock(t, cfg, syscall.LOCK_SH)
	return connect(t, cfg)
}

// connect returns a connected driver, closed when the test ends.
func connect(t testing.TB, cfg neo4j.Config) neo4jdrv.DriverWithContext {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	driver, err := neo4j.Connect(ctx, cfg, neo4jdrv.AccessModeWrite)
	if err != nil {
		t.Fatalf("neo4jtest: %v", err)
	}
	t.Cleanup(func() {
		// t.Context() is already cancelled when cleanups run.
		if err := driver.Close(context.Background()); err != nil {
			t.Errorf("neo4jtest: close driver: %v", err)
		}
	})
	return driver
}

// nonWord matches what is not safe in an id prefix.
var nonWord = regexp.MustCompile(`[^A-Za-z0-9]+`)

// UniquePrefix returns a prefix, unique to this test run, for the ids of the
// data the test creates: the test name (shortened, for readable leftovers)
// plus random hex, e.g. "TestRoundTrip-3f2a9c1b4d5e-".
func UniquePrefix(t testing.TB) string {
	t.Helper()
	name := nonWord.ReplaceAllString(t.Name(), "_")
	if len(name) > 40 {
		name = name[:40]
	}
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatalf("neo4jtest: random prefix: %v", err)
	}
	return name + "-" + hex.EncodeToString(b[:]) + "-"
}

// CleanupByPrefix registers a cleanup that detach-deletes, in database,
// every node whose property (usually "id") starts with prefix. Register it
// right after creating the prefix, before writing, so that data written by
// a test that fails half-way is removed too.
func CleanupByPrefix(t testing.TB, driver neo4jdrv.DriverWithContext, database, property, prefix string) {
	t.Helper()
	if prefix == "" {
		// An empty prefix would match, and delete, every node.
		t.Fatal("neo4jtest: CleanupByPrefix needs a non-empty prefix")
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if err := DeleteByPrefix(ctx, driver, database, property, prefix); err != nil {
			t.Errorf("neo4jtest: cleanup: %v", err)
		}
	})
}

// DeleteByPrefix detach-deletes every node in database whose property
// starts with prefix, in batches so large test data sets do not need one
// huge transaction.
func DeleteByPrefix(ctx context.Context, driver neo4jdrv.DriverWithContext, database, property, prefix string) error {
	if prefix == "" {
		return fmt.Errorf("delete by %s prefix: empty prefix would delete everything", property)
	}
	// CALL { ... } IN TRANSACTIONS only works in an auto-commit transaction,
	// hence session.Run instead of ExecuteQuery or a managed transaction.
	session := driver.NewSession(ctx, neo4jdrv.SessionConfig{DatabaseName: database})
	defer func() { _ = session.Close(ctx) }()
	query := fmt.Sprintf(`MATCH (n) WHERE n.%s STARTS WITH $prefix
CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS`, quoteName(property))
	result, err := session.Run(ctx, query, map[string]any{"prefix": prefix})
	if err == nil {
		_, err = result.Consume(ctx)
	}
	if err != nil {
		return fmt.Errorf("delete nodes with %s prefix %q: %w", property, prefix, err)
	}
	return nil
}

// quoteName quotes a property name for use in Cypher.
func quoteName(name string) string {
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}
