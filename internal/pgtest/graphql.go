package pgtest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/99designs/gqlgen/client"
)

// Client is gqlgen's test client over h, which serves GraphQL at /graphql
// (a graph.Handler or the whole server). Its Post decodes data into a
// struct and fails on any GraphQL error or HTTP status of 400 and above.
func Client(h http.Handler, opts ...client.Option) *client.Client {
	c := client.New(h, opts...)
	c.SetCustomTarget("/graphql")
	return c
}

// Response is a GraphQL response as a client reads it, with the HTTP
// status, for the tests that check refusals (which gqlgen's client turns
// into a bare error).
type Response struct {
	Status int
	Data   map[string]json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
	Raw string `json:"-"`
}

// Code is the extensions.code of the first error, or "".
func (r Response) Code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// Post posts a query with variables (nil for none) to h at /graphql and
// decodes the answer, whatever its status.
func Post(t testing.TB, h http.Handler, query string, vars map[string]any, header ...string) Response {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	resp := Response{Status: w.Code, Raw: w.Body.String()}
	if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
		t.Fatalf("response is not JSON (status %d): %s", w.Code, w.Body)
	}
	return resp
}
