// Command boltwait waits until a Neo4j server accepts a Bolt login.
//
// scripts/neo4j runs it after starting the JVM: a successful login proves
// more than an open port (the DBMS is up and the password is set). It uses
// the driver directly rather than store/neo4j so that a half-finished change
// in that package cannot break starting the database.
//
// Credentials come from NEO4J_USER and NEO4J_PASSWORD (no auth when the
// password is empty). With -pid it gives up as soon as that process exits.
// With -ready-file it first waits for that file: the launcher creates it
// once the password is set, and logging in before that would fail and count
// towards Neo4j's failed-login lockout.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"syscall"
	"time"

	neo4jdrv "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

func main() {
	uri := flag.String("uri", "bolt://127.0.0.1:7687", "Bolt URI to wait for")
	timeout := flag.Duration("timeout", 180*time.Second, "how long to wait in total")
	pid := flag.Int("pid", 0, "give up when this process is gone (0: don't watch)")
	readyFile := flag.String("ready-file", "", "wait for this file before logging in (empty: don't)")
	flag.Parse()

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	err := waitFile(ctx, *readyFile, *pid)
	if err == nil {
		err = wait(ctx, *uri, os.Getenv("NEO4J_USER"), os.Getenv("NEO4J_PASSWORD"), *pid)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "boltwait:", err)
		os.Exit(1)
	}
}

// waitFile polls for path until it exists, ctx ends or the process dies.
func waitFile(ctx context.Context, path string, pid int) error {
	if path == "" {
		return nil
	}
	for {
		if _, err := os.Stat(path); err == nil {
			return nil
		}
		if !alive(pid) {
			return fmt.Errorf("process %d exited before it was ready", pid)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s did not appear in time: %w", path, ctx.Err())
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// alive reports whether pid still runs; pid 0 means "not watched".
func alive(pid int) bool {
	return pid <= 0 || syscall.Kill(pid, 0) == nil
}

// wait retries a login until it succeeds, ctx ends or the watched process dies.
func wait(ctx context.Context, uri, user, password string, pid int) error {
	auth := neo4jdrv.NoAuth()
	if password != "" {
		auth = neo4jdrv.BasicAuth(user, password, "")
	}
	driver, err := neo4jdrv.NewDriverWithContext(uri, auth)
	if err != nil {
		return fmt.Errorf("create driver for %s: %w", uri, err)
	}
	defer func() { _ = driver.Close(context.Background()) }()

	var lastErr error
	for {
		attempt, cancel := context.WithTimeout(ctx, 5*time.Second)
		lastErr = driver.VerifyConnectivity(attempt)
		cancel()
		if lastErr == nil {
			return nil
		}
		// A wrong password will not fix itself; retrying would only trip
		// Neo4j's login rate limit.
		var nerr *neo4jdrv.Neo4jError
		if errors.As(lastErr, &nerr) && nerr.Code == "Neo.ClientError.Security.Unauthorized" {
			return fmt.Errorf("login to %s as %q refused: %w", uri, user, lastErr)
		}
		if !alive(pid) {
			return fmt.Errorf("process %d exited before %s was ready (last error: %v)", pid, uri, lastErr)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s not ready in time: %w", uri, lastErr)
		case <-time.After(500 * time.Millisecond):
		}
	}
}
