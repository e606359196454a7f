package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func mux() *http.ServeMux {
	m := http.NewServeMux()
	Register(m)
	return m
}

func get(t *testing.T, h http.Handler, method, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

var assetRef = regexp.MustCompile(`(?:src|href)="([^"]+)"`)

// TestPages fetches each page and every asset it references, as a browser
// would, and checks status, content type and cache headers.
func TestPages(t *testing.T) {
	pages := []struct {
		path   string
		bundle string // the script the page must load
	}{
		{"/explore", "/explore/assets/explorer-"},
		{"/graphiql", "/graphiql/assets/graphiql-"},
	}
	h := mux()
	for _, p := range pages {
		t.Run(strings.TrimPrefix(p.path, "/"), func(t *testing.T) {
			for _, target := range []string{p.path, p.path + "/"} {
				rec := get(t, h, "GET", target)
				if rec.Code != http.StatusOK {
					t.Fatalf("GET %s: status %d", target, rec.Code)
				}
				if ct := rec.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
					t.Errorf("GET %s: Content-Type %q", target, ct)
				}
				if cc := rec.Header().Get("Cache-Control"); cc != "no-cache" {
					t.Errorf("GET %s: Cache-Control %q, want no-cache", target, cc)
				}
				if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
					t.Errorf("GET %s: Content-Security-Policy %q", target, csp)
				}
			}
			page := get(t, h, "GET", p.path).Body.String()
			var refs []string
			for _, m := range assetRef.FindAllStringSubmatch(page, -1) {
				refs = append(refs, m[1])
			}
			js := slices.IndexFunc(refs, func(r string) bool { return strings.HasPrefix(r, p.bundle) && strings.HasSuffix(r, ".js") })
			css := slices.IndexFunc(refs, func(r string) bool { return strings.HasSuffix(r, ".css") })
			if js < 0 || css < 0 {
				t.Fatalf("page %s does not reference its script %s*.js and a stylesheet; references: %q", p.path, p.bundle, refs)
			}
			for _, ref := range []string{refs[js], refs[css]} {
				rec := get(t, h, "GET", ref)
				if rec.Code != http.StatusOK {
					t.Errorf("GET %s: status %d", ref, rec.Code)
					continue
				}
				want := "text/javascript; charset=utf-8"
				if strings.HasSuffix(ref, ".css") {
					want = "text/css; charset=utf-8"
				}
				if ct := rec.Header().Get("Content-Type"); ct != want {
					t.Errorf("GET %s: Content-Type %q, want %q", ref, ct, want)
				}
				if cc := rec.Header().Get("Cache-Control"); !strings.Contains(cc, "immutable") {
					t.Errorf("GET %s: Cache-Control %q, want immutable", ref, cc)
				}
				if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
					t.Errorf("GET %s: no X-Content-Type-Options: nosniff", ref)
				}
				if rec.Body.Len() < 1000 {
					t.Errorf("GET %s: only %d bytes", ref, rec.Body.Len())
				}
			}
		})
	}
}

func TestNotFoundAndMethods(t *testing.T) {
	h := mux()
	for _, target := range []string{
		"/explore/assets/nope.js",
		"/explore/assets/",
		"/explore/other",
		"/graphiql/assets/explorer.js",
	} {
		if rec := get(t, h, "GET", target); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", target, rec.Code)
		} else if strings.Contains(rec.Header().Get("Cache-Control"), "immutable") {
			t.Errorf("GET %s: a 404 is cached for good", target)
		}
	}
	// The mux redirects a path with "..", but the handler must not follow one.
	if rec := get(t, Explorer(), "GET", "/explore/assets/../index.html"); rec.Code != http.StatusNotFound {
		t.Errorf("GET /explore/assets/../index.html: status %d, want 404", rec.Code)
	}
	// Through the mux, other methods are refused by its GET patterns; the
	// handlers refuse them too when mounted without a method.
	if rec := get(t, h, "POST", "/explore"); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /explore via Register: status %d, want 405", rec.Code)
	}
	if rec := get(t, Explorer(), "DELETE", "/explore"); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("DELETE /explore: status %d, want 405", rec.Code)
	}
	rec := get(t, h, "HEAD", "/graphiql")
	if rec.Code != http.StatusOK || rec.Body.Len() != 0 || rec.Header().Get("Content-Length") == "" {
		t.Errorf("HEAD /graphiql: status %d, %d bytes of body, Content-Length %q", rec.Code, rec.Body.Len(), rec.Header().Get("Content-Length"))
	}
}

func TestGzipAndETag(t *testing.T) {
	h := mux()
	page := get(t, h, "GET", "/graphiql").Body.String()
	var js string
	for _, m := range assetRef.FindAllStringSubmatch(page, -1) {
		if strings.HasSuffix(m[1], ".js") {
			js = m[1]
		}
	}
	plain := get(t, h, "GET", js)
	zipped := get(t, h, "GET", js, "Accept-Encoding", "br, gzip")
	if zipped.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("GET %s accepting gzip: Content-Encoding %q", js, zipped.Header().Get("Content-Encoding"))
	}
	if !strings.Contains(zipped.Header().Get("Vary"), "Accept-Encoding") {
		t.Errorf("GET %s: no Vary: Accept-Encoding", js)
	}
	zr, err := gzip.NewReader(zipped.Body)
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(unzipped, plain.Body.Bytes()) {
		t.Errorf("the gzipped %s does not unzip to the plain one", js)
	}
	if zipped.Body.Len() >= plain.Body.Len() {
		t.Errorf("gzip did not shrink %s", js)
	}
	if get(t, h, "GET", js, "Accept-Encoding", "gzip;q=0").Header().Get("Content-Encoding") != "" {
		t.Errorf("gzip sent though refused with q=0")
	}

	etag := plain.Header().Get("ETag")
	if etag == "" || etag == zipped.Header().Get("ETag") {
		t.Fatalf("ETags: plain %q, gzipped %q", etag, zipped.Header().Get("ETag"))
	}
	if rec := get(t, h, "GET", js, "If-None-Match", etag); rec.Code != http.StatusNotModified {
		t.Errorf("GET %s with its ETag: status %d, want 304", js, rec.Code)
	}
}

// External references: an http(s) or protocol-relative URL in a page, a
// remote url() or any @import in a stylesheet, a remote import in a script,
// or a known CDN host anywhere.
var (
	anyURL     = regexp.MustCompile(`(?i)https?://|(?:src|href)\s*=\s*["']?//`)
	cssRemote  = regexp.MustCompile(`(?i)url\(\s*["']?(?:https?:)?//|@import`)
	jsRemote   = regexp.MustCompile(`(?i)(?:\bimport\s*\(?|\bfrom)\s*["'](?:https?:)?//|importScripts\(\s*["'](?:https?:)?//`)
	cdnHosts   = []string{"unpkg.com", "jsdelivr.net", "cdnjs.cloudflare.com", "esm.sh", "skypack.dev", "googleapis.com", "gstatic.com", "cdn.graphql"}
	legalNotes = regexp.MustCompile(`\.LEGAL\.txt$`)
)

// TestNoExternalReferences checks that nothing served loads from another
// host: the pages must work offline, from this server alone.
func TestNoExternalReferences(t *testing.T) {
	n := 0
	err := fs.WalkDir(dist, "dist", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || legalNotes.MatchString(name) {
			return err
		}
		data, err := fs.ReadFile(dist, name)
		if err != nil {
			return err
		}
		text := string(data)
		n++
		var re *regexp.Regexp
		switch filepath.Ext(name) {
		case ".html":
			re = anyURL
		case ".css":
			re = cssRemote
		case ".js":
			re = jsRemote
		}
		if re != nil {
			if loc := re.FindStringIndex(text); loc != nil {
				t.Errorf("%s references another host: …%s…", name, excerpt(text, loc))
			}
		}
		for _, host := range cdnHosts {
			if i := strings.Index(text, host); i >= 0 {
				t.Errorf("%s names the CDN host %s: …%s…", name, host, excerpt(text, []int{i, i + len(host)}))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 6 {
		t.Errorf("only %d files checked in dist", n)
	}
}

func excerpt(s string, loc []int) string {
	return s[max(0, loc[0]-40):min(len(s), loc[1]+40)]
}

// TestBundleIsFresh fails when a source of the bundles changed after dist/
// was built, so that the committed bundles never lag their sources. It
// hashes the files as build.mjs does.
func TestBundleIsFresh(t *testing.T) {
	names := []string{"build.mjs", "package.json", "package-lock.json"}
	for _, dir := range []string{"explorer", "graphiql"} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			names = append(names, dir+"/"+e.Name())
		}
	}
	slices.Sort(names)
	all := sha256.New()
	for _, name := range names {
		data, err := os.ReadFile(filepath.FromSlash(name))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		fmt.Fprintf(all, "%s\n%s\n", name, hex.EncodeToString(sum[:]))
	}
	got := hex.EncodeToString(all.Sum(nil))
	recorded, err := fs.ReadFile(dist, "dist/sources.sha256")
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.TrimSpace(string(recorded)); got != want {
		t.Errorf("web/dist was built from other sources (hash %s, sources now %s): rebuild with `go generate ./web` (or `make web`) and commit web/dist", want, got)
	}
}
