package graph

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
)

// requestError is a request refused before GraphQL sees it: the HTTP status
// and extensions.code, and a message that never echoes the body.
type requestError struct {
	status  int
	code    string
	message string
}

// checkRequest refuses what gqlgen's transports would answer without an
// extensions.code (or not at all): other methods, other content types, and
// bodies that are not one JSON object of the GraphQL request shape. On
// success a POST's body is put back, read whole, for gqlgen.
func checkRequest(w http.ResponseWriter, r *http.Request) *requestError {
	switch r.Method {
	case http.MethodGet, http.MethodOptions:
		return nil
	case http.MethodPost:
	default:
		w.Header().Set("Allow", "GET, POST, OPTIONS")
		return &requestError{http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED",
			fmt.Sprintf("%s is not supported: send a POST with a JSON body, or a GET with ?query=", r.Method)}
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/json" && mt != "application/graphql-response+json" {
		hint := "send Content-Type: application/json with a body such as {\"query\": \"{ stats { sources } }\"}"
		if mt == "application/x-www-form-urlencoded" || mt == "multipart/form-data" {
			hint = "form posts are not supported: " + hint
		}
		return &requestError{http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE", hint}
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		var ne net.Error
		switch {
		case errors.As(err, &tooBig):
			return &requestError{http.StatusRequestEntityTooLarge, "REQUEST_TOO_LARGE",
				fmt.Sprintf("the request body exceeds %d bytes", tooBig.Limit)}
		case errors.As(err, &ne) && ne.Timeout():
			return &requestError{http.StatusRequestTimeout, "REQUEST_TIMEOUT", "the request body was not received in time"}
		}
		return &requestError{http.StatusBadRequest, "BAD_REQUEST", "the request body could not be read"}
	}
	var params struct {
		Query         *string         `json:"query"`
		OperationName *string         `json:"operationName"`
		Variables     json.RawMessage `json:"variables"`
	}
	bad := func(msg string) *requestError { return &requestError{http.StatusBadRequest, "BAD_REQUEST", msg} }
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&params); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) {
			if typ.Field == "" {
				return bad("the request body must be a JSON object, not " + typ.Value)
			}
			return bad(fmt.Sprintf("%s must not be a JSON %s", typ.Field, typ.Value))
		}
		return bad("the request body is not valid JSON: send {\"query\": \"...\", \"variables\": {...}}")
	}
	if dec.More() {
		return bad("the request body must hold one JSON object")
	}
	if params.Query == nil || *params.Query == "" {
		return bad("the request has no query")
	}
	if v := bytes.TrimSpace(params.Variables); len(v) > 0 && v[0] != '{' && !bytes.Equal(v, []byte("null")) {
		return bad("variables must be a JSON object")
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return nil
}

func (e *requestError) write(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []map[string]any{{"message": e.message, "extensions": map[string]any{"code": e.code}}},
	})
}
