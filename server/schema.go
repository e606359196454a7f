package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"time"

	"github.com/policygraph/policygraph/schema"
)

// schemaHandler serves the GraphQL schema as SDL, the files it was
// generated from, for code generators and clients that do not introspect.
// It is plain text so that a browser shows it rather than downloads it.
func schemaHandler() http.Handler {
	sdl := schema.SDL()
	sum := sha256.Sum256(sdl)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/plain; charset=utf-8")
		h.Set("Cache-Control", "no-cache")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("ETag", etag)
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(sdl))
	})
}
