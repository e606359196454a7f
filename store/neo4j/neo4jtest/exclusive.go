package neo4jtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	neo4jdrv "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policygraph/policygraph/store/neo4j"
)

// Exclusive gives a test the whole database: it waits until no other test
// process using the same NEO4J_URI holds the lock (shared by [Driver],
// exclusive here), deletes every node, and returns a driver. Tests that
// load fixed IDs (the seed dataset, conformance fixtures, GraphQL goldens)
// use it; the lock is released when the test ends.
func Exclusive(t testing.TB) neo4jdrv.DriverWithContext {
	t.Helper()
	cfg := Config(t)
	lock(t, cfg, syscall.LOCK_EX)
	driver := connect(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	Wipe(t, ctx, driver, cfg.Database)
	return driver
}

// lock takes a flock on a file named for the database until the test ends.
// The kernel drops it if the process dies, so a crashed test never leaves
// the database locked.
func lock(t testing.TB, cfg neo4j.Config, how int) {
	t.Helper()
	sum := sha256.Sum256([]byte(cfg.URI + "|" + cfg.Database))
	path := filepath.Join(os.TempDir(), "policygraph-neo4j-"+hex.EncodeToString(sum[:6])+".lock")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		t.Fatalf("neo4jtest: lock file: %v", err)
	}
	if err := syscall.Flock(int(f.Fd()), how); err != nil {
		_ = f.Close() // the lock's error is the one to report
		t.Fatalf("neo4jtest: lock %s: %v", path, err)
	}
	t.Cleanup(func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		_ = f.Close() // a lock file: nothing written

	})
}

// Wipe deletes every node and relationship of the database, keeping the
// schema.
func Wipe(t testing.TB, ctx context.Context, driver neo4jdrv.DriverWithContext, database string) {
	t.Helper()
	session := driver.NewSession(ctx, neo4jdrv.SessionConfig{DatabaseName: database})
	defer func() { _ = session.Close(ctx) }()
	res, err := session.Run(ctx, "MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS", nil)
	if err == nil {
		_, err = res.Consume(ctx)
	}
	if err != nil {
		t.Fatalf("neo4jtest: wipe database: %v", err)
	}
}
