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
)

// Exclusive gives a test the whole database: it waits for a lock that every
// other test process using the same NEO4J_URI takes through Exclusive,
// deletes every node, and returns a driver. Tests that load fixed IDs (the
// seed dataset, conformance fixtures, GraphQL goldens) use it; the lock is
// released when the test ends.
//
// Tests that follow the UniquePrefix rule do not take the lock; an
// Exclusive test only ever deletes everything at its start, while it holds
// the lock, so their data can vanish only if they run concurrently with an
// Exclusive test, which their prefixes make harmless to both.
func Exclusive(t testing.TB) neo4jdrv.DriverWithContext {
	t.Helper()
	cfg := Config(t)
	sum := sha256.Sum256([]byte(cfg.URI + "|" + cfg.Database))
	path := filepath.Join(os.TempDir(), "policygraph-neo4j-"+hex.EncodeToString(sum[:6])+".lock")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		t.Fatalf("neo4jtest: lock file: %v", err)
	}
	// flock is released by the kernel if the process dies, so a crashed
	// test never leaves the database locked.
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		t.Fatalf("neo4jtest: lock %s: %v", path, err)
	}
	t.Cleanup(func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	})
	driver := Driver(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	Wipe(t, ctx, driver, cfg.Database)
	return driver
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
