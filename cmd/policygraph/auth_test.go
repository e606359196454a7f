package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/policygraph/policygraph/server/auth"
)

// syncBuffer is a bytes.Buffer safe for a server goroutine writing logs
// while the test reads them.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// cleanEnv keeps the developer's environment out of runServe.
func cleanEnv(t *testing.T) {
	for _, k := range []string{"PORT", "NEO4J_URI", "POLICYGRAPH_API_KEYS", "POLICYGRAPH_INSECURE_PUBLIC",
		"POLICYGRAPH_ADDR", "POLICYGRAPH_JWT_SECRET_FILE", "POLICYGRAPH_JWT_KEYS", "POLICYGRAPH_JWT_AUDIENCE"} {
		t.Setenv(k, "")
	}
}

func TestServeRefuses(t *testing.T) {
	cleanEnv(t)
	dir := t.TempDir()
	short := filepath.Join(dir, "short")
	long := filepath.Join(dir, "long")
	for p, v := range map[string]string{short: "tooshort\n", long: strings.Repeat("k", 32) + "\n"} {
		if err := os.WriteFile(p, []byte(v), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"every interface without auth", []string{"--addr", "0.0.0.0:0"}, "refusing to serve 0.0.0.0:0 without authentication"},
		{"port only without auth", []string{"--addr", ":0"}, "--insecure-public"},
		{"missing key file", []string{"--api-keys", filepath.Join(dir, "none")}, "API key file: open"},
		{"audience without a key", []string{"--jwt-audience", "x"}, "need --jwt-secret-file or --jwt-keys"},
		{"short JWT secret", []string{"--jwt-secret-file", short, "--jwt-audience", "x"}, "has 8 bytes; use at least 32"},
		{"JWT without audience", []string{"--jwt-secret-file", long}, "audience is required"},
		{"negative rate", []string{"--rate-limit", "-1"}, "must not be negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			start := time.Now()
			code := runServe(context.Background(), tc.args, &out, &errb)
			if code != 2 || !strings.Contains(errb.String(), tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errb.String(), tc.want)
			}
			if d := time.Since(start); d > 5*time.Second { // before the store is opened
				t.Errorf("took %s to refuse", d)
			}
		})
	}
}

// startServe runs serve with args until the test ends and returns the
// address it serves, from its JSON log, and the log.
func startServe(t *testing.T, args ...string) (string, *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	done := make(chan int, 1)
	go func() { done <- runServe(ctx, append(args, "--log-format", "json"), &bytes.Buffer{}, logs) }()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exited %d: %s", code, logs.String())
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		sc := bufio.NewScanner(strings.NewReader(logs.String()))
		for sc.Scan() {
			var l struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &l) == nil && l.Msg == "serving" {
				_, port, _ := net.SplitHostPort(l.Addr)
				return "127.0.0.1:" + port, logs
			}
		}
		select {
		case code := <-done:
			done <- code
			t.Fatalf("serve exited %d before serving: %s", code, logs.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("serve did not start: %s", logs.String())
	return "", nil
}

func status(t *testing.T, url, authz string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(`{"query":"{ stats { sources } }"}`))
	req.Header.Set("Content-Type", "application/json")
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestServeInsecurePublic(t *testing.T) {
	cleanEnv(t)
	addr, logs := startServe(t, "--addr", "0.0.0.0:0", "--insecure-public")
	if got := status(t, "http://"+addr+"/graphql", ""); got != 200 {
		t.Errorf("graphql without a token: %d", got)
	}
	if !strings.Contains(logs.String(), "serving without authentication (--insecure-public)") {
		t.Errorf("no warning in the log: %s", logs.String())
	}
}

func TestServePublicWithKeys(t *testing.T) {
	cleanEnv(t)
	key, line, err := auth.NewKey("analyst")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "keys")
	if err := os.WriteFile(file, []byte(line+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("POLICYGRAPH_API_KEYS", file) // from the environment, as a container would
	addr, logs := startServe(t, "--addr", "0.0.0.0:0", "--rate-limit", "0.01", "--rate-burst", "1")
	base := "http://" + addr
	for _, tc := range []struct {
		authz string
		want  int
	}{
		{"", 401},
		{"Bearer pg_wrong", 401},
		{"Bearer " + key, 200},
		{"Bearer " + key, 429}, // burst of 1
	} {
		if got := status(t, base+"/graphql", tc.authz); got != tc.want {
			t.Errorf("%q: %d, want %d", tc.authz, got, tc.want)
		}
	}
	resp, err := http.Get(base + "/explore")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("/explore without a token: %d, want 200 (a static page)", resp.StatusCode)
	}
	if !strings.Contains(logs.String(), `"subject":"analyst"`) {
		t.Errorf("the access log does not name the subject: %s", logs.String())
	}
}

func TestApikey(t *testing.T) {
	var out, errb bytes.Buffer
	if code := runApikey(context.Background(), []string{"ci"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("stdout %q: want the key and its line", out.String())
	}
	ks, err := auth.ParseKeys(strings.NewReader(lines[1]))
	if err != nil {
		t.Fatal(err)
	}
	if id, err := ks.Verify(context.Background(), lines[0]); err != nil || id.Subject != "ci" {
		t.Errorf("the printed line does not accept the printed key: %+v, %v", id, err)
	}

	file := filepath.Join(t.TempDir(), "keys")
	var keys []string
	for _, name := range []string{"a", "b"} {
		out.Reset()
		if code := runApikey(context.Background(), []string{"--append", file, name}, &out, &errb); code != 0 {
			t.Fatalf("--append %s: exit %d: %s", name, code, errb.String())
		}
		keys = append(keys, strings.TrimSpace(out.String()))
	}
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode: %v, %v", fi.Mode(), err)
	}
	ks, err = auth.ReadKeyFile(file)
	if err != nil || ks.Len() != 2 {
		t.Fatalf("key file: %v", err)
	}
	for i, k := range keys {
		if id, err := ks.Verify(context.Background(), k); err != nil || id.Subject != []string{"a", "b"}[i] {
			t.Errorf("key %d: %+v, %v", i, id, err)
		}
	}
	errb.Reset()
	if code := runApikey(context.Background(), []string{"--append", file, "a"}, &out, &errb); code != 1 || !strings.Contains(errb.String(), `"a" is also on line 1`) {
		t.Errorf("a second key named a: exit %d, %q", code, errb.String())
	}
	if code := runApikey(context.Background(), []string{"no spaces"}, &out, &errb); code != 2 {
		t.Errorf("a bad name: exit %d", code)
	}
}
