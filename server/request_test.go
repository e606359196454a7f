package server_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/policygraph/policygraph/internal/pgtest"
	"github.com/policygraph/policygraph/server"
)

// TestMalformedRequests holds requests that fail before a GraphQL operation
// exists; they once answered 500 or a code-less 400 and logged a panic
// stack each. Every one gets its status and extensions.code, and none
// echoes its body.
func TestMalformedRequests(t *testing.T) {
	s := newServer(t, server.Config{MaxBodyBytes: 1 << 10}, pgtest.Seed(t))
	tests := []struct {
		name, method, ctype, body string
		status                    int
		code                      string
	}{
		{"bad JSON", "POST", "application/json", `{"query": SECRET`, 400, "BAD_REQUEST"},
		{"empty body", "POST", "application/json", ``, 400, "BAD_REQUEST"},
		{"array body", "POST", "application/json", `[{"query": "{ stats { sources } }"}]`, 400, "BAD_REQUEST"},
		{"variables as a list", "POST", "application/json", `{"query": "{ stats { sources } }", "variables": [1]}`, 400, "BAD_REQUEST"},
		{"NUL byte", "POST", "application/json", "{\"query\": \"{ stats \x00 }\"}", 400, "BAD_REQUEST"},
		{"no query", "POST", "application/json", `{"variables": {}}`, 400, "BAD_REQUEST"},
		{"two objects", "POST", "application/json", `{"query": "{ stats { sources } }"} {}`, 400, "BAD_REQUEST"},
		{"body over the limit", "POST", "application/json", `{"query": "` + strings.Repeat("x", 2<<10) + `"}`, 413, "REQUEST_TOO_LARGE"},
		{"form post", "POST", "application/x-www-form-urlencoded", `query=SECRET`, 415, "UNSUPPORTED_MEDIA_TYPE"},
		{"no content type", "POST", "", `{"query": "{ stats { sources } }"}`, 415, "UNSUPPORTED_MEDIA_TYPE"},
		{"PUT", "PUT", "application/json", `{"query": "{ stats { sources } }"}`, 405, "METHOD_NOT_ALLOWED"},
		{"DELETE", "DELETE", "", ``, 405, "METHOD_NOT_ALLOWED"},
		{"a good request still works", "POST", "application/json; charset=utf-8", `{"query": "{ stats { sources } }", "variables": null}`, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, "/graphql", strings.NewReader(tt.body))
			if tt.ctype != "" {
				r.Header.Set("Content-Type", tt.ctype)
			}
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			b := w.Body.String()
			if w.Code != tt.status {
				t.Errorf("status %d, want %d: %s", w.Code, tt.status, b)
			}
			if tt.code != "" && !strings.Contains(b, `"code":"`+tt.code+`"`) {
				t.Errorf("body %s, want code %s", b, tt.code)
			}
			if tt.code == "" && !strings.Contains(b, `"sources":1`) {
				t.Errorf("body %s", b)
			}
			if strings.Contains(b, "SECRET") {
				t.Errorf("body echoed: %s", b)
			}
		})
	}
	metrics := body(t, get(t, s, "/metrics"))
	for _, code := range []string{"400", "405", "413", "415"} {
		if !strings.Contains(metrics, `code="`+code+`"`) {
			t.Errorf("no request counted with status %s in /metrics", code)
		}
	}
}
