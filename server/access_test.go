package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/policygraph/policygraph/internal/pgtest"
	"github.com/policygraph/policygraph/server"
	"github.com/policygraph/policygraph/server/auth"
)

var jwtSecret = []byte("0123456789abcdef0123456789abcdef")

// testAuth returns a verifier of one API key, named ci, and of HS256 JWTs
// for the audience policygraph, with the key.
func testAuth(t *testing.T) (auth.Verifier, string) {
	t.Helper()
	key, line, err := auth.NewKey("ci")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := auth.ParseKeys(strings.NewReader(line))
	if err != nil {
		t.Fatal(err)
	}
	j, err := auth.NewJWT(auth.JWTConfig{Secret: jwtSecret, Issuer: "https://idp.example", Audience: "policygraph"})
	if err != nil {
		t.Fatal(err)
	}
	return auth.Any(keys, j), key
}

func testJWT(t *testing.T, aud string, exp time.Time) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"sub": "alice@example.org", "iss": "https://idp.example", "aud": aud, "exp": exp.Unix(),
	}).SignedString(jwtSecret)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// do sends a request as client remote with the given Authorization header
// ("" for none).
func do(h http.Handler, method, path, authz, remote string) *http.Response {
	var r *http.Request
	if method == http.MethodPost {
		r = httptest.NewRequest(method, path, strings.NewReader(`{"query":"{ stats { sources } }"}`))
		r.Header.Set("Content-Type", "application/json")
	} else {
		r = httptest.NewRequest(method, path, nil)
	}
	if authz != "" {
		r.Header.Set("Authorization", authz)
	}
	if remote != "" {
		r.RemoteAddr = remote
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Result()
}

// gqlError decodes a GraphQL-shaped error body.
func gqlError(t *testing.T, r *http.Response) (msg, code string, ext map[string]any) {
	t.Helper()
	var b struct {
		Errors []struct {
			Message    string         `json:"message"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil || len(b.Errors) != 1 {
		t.Fatalf("body is not one GraphQL error: %v, %+v", err, b)
	}
	code, _ = b.Errors[0].Extensions["code"].(string)
	return b.Errors[0].Message, code, b.Errors[0].Extensions
}

func TestAuthentication(t *testing.T) {
	v, key := testAuth(t)
	var logs bytes.Buffer
	s := server.New(server.Config{Auth: v}, pgtest.Seed(t), slog.New(slog.NewJSONHandler(&logs, nil)))
	hour := time.Now().Add(time.Hour)
	tests := []struct {
		name      string
		method    string
		path      string
		authz     string
		status    int
		challenge string // in WWW-Authenticate, for 401
		subject   string // in the access log, for 200 on /graphql
		logErr    string // auth_error in the access log
	}{
		{"no token", "POST", "/graphql", "", 401, `Bearer realm="policygraph"`, "", ""},
		{"bad key", "POST", "/graphql", "Bearer " + auth.KeyPrefix + "AAAA", 401, `error="invalid_token"`, "", "unknown API key"},
		{"not bearer", "POST", "/graphql", "Basic Y2k6cGFzcw==", 401, `error="invalid_request"`, "", "Authorization header"},
		{"bad JWT", "POST", "/graphql", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.AAAA", 401, `error="invalid_token"`, "", "signature is invalid"},
		{"expired JWT", "POST", "/graphql", "Bearer " + testJWT(t, "policygraph", time.Now().Add(-time.Hour)), 401, `error_description="the token has expired"`, "", "token is expired"},
		{"wrong audience", "POST", "/graphql", "Bearer " + testJWT(t, "billing", hour), 401, `error="invalid_token"`, "", "invalid audience"},
		{"good key", "POST", "/graphql", "Bearer " + key, 200, "", "ci", ""},
		{"good JWT", "POST", "/graphql", "Bearer " + testJWT(t, "policygraph", hour), 200, "", "alice@example.org", ""},
		{"GET query needs a token too", "GET", "/graphql?query={stats{sources}}", "", 401, `Bearer realm="policygraph"`, "", ""},
		{"healthz open", "GET", "/healthz", "", 200, "", "", ""},
		{"readyz open", "GET", "/readyz", "", 200, "", "", ""},
		{"metrics closed", "GET", "/metrics", "", 401, `Bearer realm="policygraph"`, "", ""},
		{"metrics with a key", "GET", "/metrics", "Bearer " + key, 200, "", "ci", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			logs.Reset()
			resp := do(s, tc.method, tc.path, tc.authz, "")
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, body(t, resp))
			}
			if tc.status == 401 {
				if ch := resp.Header.Get("WWW-Authenticate"); !strings.HasPrefix(ch, "Bearer ") || !strings.Contains(ch, tc.challenge) {
					t.Errorf("WWW-Authenticate %q, want it to hold %q", ch, tc.challenge)
				}
				msg, code, _ := gqlError(t, resp)
				if code != "UNAUTHENTICATED" {
					t.Errorf("code %q, want UNAUTHENTICATED (%s)", code, msg)
				}
				if strings.Contains(msg, "signature") || strings.Contains(msg, "audience") || strings.Contains(msg, "API key\"") {
					t.Errorf("the client is told the detail: %q", msg)
				}
			}
			var line map[string]any
			if err := json.Unmarshal(logs.Bytes(), &line); err != nil {
				t.Fatalf("access log %q: %v", logs.String(), err)
			}
			if got, _ := line["subject"].(string); got != tc.subject {
				t.Errorf("access log subject %q, want %q", got, tc.subject)
			}
			got, _ := line["auth_error"].(string)
			switch {
			case tc.status != 401 && got != "":
				t.Errorf("access log auth_error %q on an accepted request", got)
			case !strings.Contains(got, tc.logErr):
				t.Errorf("access log auth_error %q, want it to hold %q", got, tc.logErr)
			}
		})
	}

	// A browser's preflight carries no credentials; it must pass to CORS.
	cs := newServer(t, server.Config{Auth: v, CORSOrigins: []string{"https://app.example"}}, pgtest.Seed(t))
	r := httptest.NewRequest(http.MethodOptions, "/graphql", nil)
	r.Header.Set("Origin", "https://app.example")
	r.Header.Set("Access-Control-Request-Method", "POST")
	r.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
	w := httptest.NewRecorder()
	cs.ServeHTTP(w, r)
	if w.Code != http.StatusNoContent || !strings.Contains(w.Header().Get("Access-Control-Allow-Headers"), "authorization") {
		t.Errorf("preflight: %d, allow headers %q", w.Code, w.Header().Get("Access-Control-Allow-Headers"))
	}

	// --public-metrics opens /metrics, and only it.
	pm := newServer(t, server.Config{Auth: v, PublicMetrics: true}, pgtest.Seed(t))
	if resp := do(pm, "GET", "/metrics", "", ""); resp.StatusCode != 200 {
		t.Errorf("public metrics: %d", resp.StatusCode)
	}
	if resp := do(pm, "POST", "/graphql", "", ""); resp.StatusCode != 401 {
		t.Errorf("graphql with public metrics: %d", resp.StatusCode)
	}

	// Routes added by Handle are guarded; by HandlePublic, not.
	s.Handle("GET /private", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	s.HandlePublic("GET /page", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	if resp := do(s, "GET", "/private", "", ""); resp.StatusCode != 401 {
		t.Errorf("/private without a token: %d", resp.StatusCode)
	}
	if resp := do(s, "GET", "/page", "", ""); resp.StatusCode != 200 {
		t.Errorf("/page without a token: %d", resp.StatusCode)
	}
}

func TestRateLimit(t *testing.T) {
	v, key := testAuth(t)
	// One request per 100 s after a burst of 2: a third request waits
	// about 100 s however slow the machine.
	limited := newServer(t, server.Config{Auth: v, RateLimit: 0.01, RateBurst: 2}, pgtest.Seed(t))
	open := newServer(t, server.Config{RateLimit: 0.01, RateBurst: 2}, pgtest.Seed(t))
	alice := "Bearer " + testJWT(t, "policygraph", time.Now().Add(time.Hour))

	tests := []struct {
		name   string
		h      http.Handler
		path   string
		authz  string
		remote string
		status int
	}{
		{"key 1", limited, "/graphql", "Bearer " + key, "192.0.2.1:1000", 200},
		{"key 2", limited, "/graphql", "Bearer " + key, "192.0.2.2:1000", 200},
		{"key over its burst, from any address", limited, "/graphql", "Bearer " + key, "192.0.2.3:1000", 429},
		{"another subject has its own bucket", limited, "/graphql", alice, "192.0.2.1:1000", 200},
		{"health is not limited", limited, "/healthz", "", "192.0.2.1:1000", 200},
		{"refused requests are not limited (401)", limited, "/graphql", "", "192.0.2.1:1000", 401},
		{"ip 1", open, "/graphql", "", "198.51.100.7:1", 200},
		{"ip 2, other port", open, "/graphql", "", "198.51.100.7:2", 200},
		{"ip over its burst", open, "/graphql", "", "198.51.100.7:3", 429},
		{"another ip", open, "/graphql", "", "198.51.100.8:1", 200},
		{"ipv6 1", open, "/graphql", "", "[2001:db8:1:2::1]:1", 200},
		{"ipv6 2, same /64", open, "/graphql", "", "[2001:db8:1:2::ffff]:1", 200},
		{"ipv6 /64 over its burst", open, "/graphql", "", "[2001:db8:1:2:aaaa::1]:1", 429},
		{"ipv6 other /64", open, "/graphql", "", "[2001:db8:1:3::1]:1", 200},
		{"metrics is limited", open, "/metrics", "", "198.51.100.7:4", 429},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := do(tc.h, "POST", tc.path, tc.authz, tc.remote)
			if tc.path != "/graphql" {
				resp = do(tc.h, "GET", tc.path, tc.authz, tc.remote)
			}
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, body(t, resp))
			}
			if tc.status != 429 {
				return
			}
			ra, err := strconv.Atoi(resp.Header.Get("Retry-After"))
			if err != nil || ra < 90 || ra > 100 {
				t.Errorf("Retry-After %q, want about 100 s", resp.Header.Get("Retry-After"))
			}
			msg, code, ext := gqlError(t, resp)
			if code != "RATE_LIMITED" {
				t.Errorf("code %q, want RATE_LIMITED (%s)", code, msg)
			}
			if got, _ := ext["retryAfterSeconds"].(float64); int(got) != ra {
				t.Errorf("retryAfterSeconds %v, Retry-After %d", ext["retryAfterSeconds"], ra)
			}
		})
	}
}

func TestCheckExposure(t *testing.T) {
	v, _ := testAuth(t)
	tests := []struct {
		addr     string
		auth     bool
		insecure bool
		refused  bool
	}{
		{"127.0.0.1:8080", false, false, false},
		{"127.0.0.2:8080", false, false, false},
		{"[::1]:8080", false, false, false},
		{"localhost:8080", false, false, false},
		{":8080", false, false, true},
		{"0.0.0.0:8080", false, false, true},
		{"[::]:8080", false, false, true},
		{"192.0.2.10:8080", false, false, true},
		{":8080", true, false, false},
		{"0.0.0.0:8080", true, false, false},
		{":8080", false, true, false},
		{"192.0.2.10:8080", false, true, false},
	}
	for _, tc := range tests {
		cfg := server.Config{Addr: tc.addr, InsecurePublic: tc.insecure}
		if tc.auth {
			cfg.Auth = v
		}
		err := cfg.CheckExposure(context.Background())
		if refused := errors.Is(err, server.ErrPublicWithoutAuth); refused != tc.refused || (err != nil && !refused) {
			t.Errorf("%s auth=%v insecure=%v: err %v, want refused=%v", tc.addr, tc.auth, tc.insecure, err, tc.refused)
		}
	}

	// ListenAndServe refuses before it listens.
	s := newServer(t, server.Config{Addr: "0.0.0.0:0"}, pgtest.Seed(t))
	if err := s.ListenAndServe(context.Background()); !errors.Is(err, server.ErrPublicWithoutAuth) {
		t.Errorf("ListenAndServe on 0.0.0.0 without auth: %v", err)
	}
}
