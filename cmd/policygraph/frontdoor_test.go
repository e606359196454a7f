package main

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/policygraph/policygraph/data"
	"github.com/policygraph/policygraph/dataset"
	"github.com/policygraph/policygraph/server"
	"github.com/policygraph/policygraph/store/memory"
)

func seedServer(t *testing.T) http.Handler {
	t.Helper()
	ds, err := dataset.Load(context.Background(), data.Seed(), dataset.Options{})
	if err != nil {
		t.Fatalf("load the seed: %v", err)
	}
	return newServer(server.Config{}, memory.New(ds), slog.New(slog.DiscardHandler))
}

func request(h http.Handler, method, target string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	return rec
}

var href = regexp.MustCompile(`href="([^"]*)"`)

// TestFrontDoor follows every link of the page at / as a browser would,
// and checks that the page is at the root alone.
func TestFrontDoor(t *testing.T) {
	h := seedServer(t)
	rec := request(h, "GET", "/")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /: status %d", rec.Code)
	}
	page := rec.Body.String()
	if !strings.Contains(page, `<strong>46</strong> entities`) {
		t.Errorf("the page does not count the seed's 46 entities")
	}
	var links []string
	for _, m := range href.FindAllStringSubmatch(page, -1) {
		if m[1] != "data:," { // the empty favicon
			links = append(links, strings.ReplaceAll(m[1], "&amp;", "&"))
		}
	}
	for _, s := range frontDoor() {
		for _, l := range s.Links {
			if !strings.Contains(page, `href="`+l.URL()+`"`) {
				t.Errorf("the page does not link %s", l.URL())
			}
		}
	}
	for _, link := range links {
		rec := request(h, "GET", link)
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s: status %d: %.200s", link, rec.Code, rec.Body)
		} else if strings.HasPrefix(link, "/graphql") && strings.Contains(rec.Body.String(), `"errors"`) {
			t.Errorf("GET %s: %s", link, rec.Body)
		}
	}

	for _, tt := range []struct {
		method, target string
		status         int
	}{
		{"GET", "/nope", http.StatusNotFound},
		{"GET", "/index.html", http.StatusNotFound},
		{"GET", "/explore/nope", http.StatusNotFound},
		{"POST", "/", http.StatusMethodNotAllowed},
	} {
		rec := request(h, tt.method, tt.target)
		if rec.Code != tt.status || strings.Contains(rec.Body.String(), "<title>policygraph</title>") {
			t.Errorf("%s %s: status %d, want %d and not the front door", tt.method, tt.target, rec.Code, tt.status)
		}
	}
}

func TestLogURLs(t *testing.T) {
	tests := []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, "url=http://127.0.0.1:8080/explore what=Explorer"},
		{&net.TCPAddr{IP: net.IPv6unspecified, Port: 9000}, "url=http://localhost:9000/explore what=Explorer"},
		{&net.TCPAddr{IP: net.IPv6loopback, Port: 9000}, "url=http://[::1]:9000/explore what=Explorer"},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		logURLs(slog.New(slog.NewTextHandler(&b, nil)), tt.addr, frontDoor())
		if !strings.Contains(b.String(), tt.want) {
			t.Errorf("%s: log\n%s\nlacks %s", tt.addr, b.String(), tt.want)
		}
		n := 1 // the front door
		for _, s := range frontDoor() {
			n += len(s.Links)
		}
		if lines := strings.Count(b.String(), "msg=url "); lines != n {
			t.Errorf("%s: %d URL lines, want %d", tt.addr, lines, n)
		}
	}
}
