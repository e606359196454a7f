package server

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/policygraph/policygraph/graph/apierror"
	"github.com/policygraph/policygraph/server/auth"
)

// requestInfo is what the handlers inside the access log learn about a
// request and the log reports: who the client is, or why it was refused.
type requestInfo struct {
	identity auth.Identity
	authErr  error
}

type requestInfoKey struct{}

func infoFrom(ctx context.Context) *requestInfo {
	if i, ok := ctx.Value(requestInfoKey{}).(*requestInfo); ok {
		return i
	}
	return &requestInfo{} // outside logRequests, as in a bare handler test
}

// guard puts a route behind authentication, when the server has a
// verifier, and then behind the per-client rate limit, when it has one.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := infoFrom(r.Context())
		if s.cfg.Auth != nil {
			id, err := s.authenticate(r)
			if err != nil {
				info.authErr = err
				writeUnauthenticated(w, err)
				return
			}
			info.identity = id
		}
		if s.limiter != nil {
			if ok, wait := s.limiter.allow(clientKey(info.identity, r.RemoteAddr)); !ok {
				writeRateLimited(w, wait, s.limiter)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) authenticate(r *http.Request) (auth.Identity, error) {
	token, err := auth.BearerToken(r)
	if err != nil {
		return auth.Identity{}, err
	}
	return s.cfg.Auth.Verify(r.Context(), token)
}

// writeUnauthenticated answers 401 with the RFC 6750 challenge and a
// GraphQL-shaped error. The message names the class of failure only
// (missing, malformed, invalid, expired); the detail is in the access log.
func writeUnauthenticated(w http.ResponseWriter, err error) {
	challenge := `Bearer realm="policygraph"`
	msg := "authentication required: send the header Authorization: Bearer followed by an API key or a JWT"
	switch {
	case errors.Is(err, auth.ErrNoToken):
	case errors.Is(err, auth.ErrMalformed):
		challenge += `, error="invalid_request"`
		msg = auth.ErrMalformed.Error()
	case errors.Is(err, auth.ErrExpired):
		challenge += `, error="invalid_token", error_description="the token has expired"`
		msg = auth.ErrExpired.Error()
	default:
		challenge += `, error="invalid_token"`
		msg = auth.ErrInvalid.Error()
	}
	w.Header().Set("WWW-Authenticate", challenge)
	writeError(w, http.StatusUnauthorized, apierror.Unauthenticated, msg, nil)
}

func writeRateLimited(w http.ResponseWriter, wait time.Duration, l *limiter) {
	secs := int(math.Ceil(wait.Seconds()))
	secs = max(secs, 1)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	writeError(w, http.StatusTooManyRequests, apierror.RateLimited,
		fmt.Sprintf("too many requests: this client may make %g a second, in bursts of %d; retry after %d s", float64(l.rate), l.burst, secs),
		map[string]any{"retryAfterSeconds": secs})
}

// writeError writes a GraphQL-shaped error response, for requests refused
// before GraphQL sees them.
func writeError(w http.ResponseWriter, status int, code, msg string, ext map[string]any) {
	e := map[string]any{"code": code}
	for k, v := range ext {
		e[k] = v
	}
	writeJSON(w, status, map[string]any{"errors": []map[string]any{{"message": msg, "extensions": e}}})
}

// clientKey is whom a request is counted against: the authenticated
// client, else its IP address; IPv6 addresses by their /64, which one
// host can hold whole.
func clientKey(id auth.Identity, remoteAddr string) string {
	if id.Subject != "" {
		return id.Method + ":" + id.Subject
	}
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return "addr:" + host
	}
	ip = ip.Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return "ip:" + p.String()
	}
	return "ip:" + ip.String()
}

// limiter is a token bucket per client. Buckets that have filled up again
// are dropped (a new one is the same), and at most maxClients are kept, so
// that many clients cannot grow it without bound.
type limiter struct {
	rate  rate.Limit
	burst int
	max   int // buckets kept at most
	now   func() time.Time

	mu        sync.Mutex
	clients   map[string]*rate.Limiter
	lastSweep time.Time
}

const (
	maxClients    = 100_000
	sweepInterval = time.Minute
)

func newLimiter(perSecond float64, burst int, now func() time.Time) *limiter {
	return &limiter{rate: rate.Limit(perSecond), burst: burst, max: maxClients, now: now, clients: map[string]*rate.Limiter{}}
}

// allow takes a token from key's bucket, or says how long until one is
// there.
func (l *limiter) allow(key string) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	if now.Sub(l.lastSweep) >= sweepInterval {
		l.dropFull(now)
	}
	b := l.clients[key]
	if b == nil {
		if len(l.clients) >= l.max {
			l.dropFull(now)
			l.trim()
		}
		b = rate.NewLimiter(l.rate, l.burst)
		l.clients[key] = b
	}
	l.mu.Unlock()

	res := b.ReserveN(now, 1)
	if !res.OK() {
		return false, time.Second
	}
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now) // a refused request costs nothing
		return false, d
	}
	return true, 0
}

// dropFull drops the buckets that have filled up again: a new one would be
// the same.
func (l *limiter) dropFull(now time.Time) {
	l.lastSweep = now
	for k, b := range l.clients {
		if b.TokensAt(now) >= float64(l.burst) {
			delete(l.clients, k)
		}
	}
}

// trim drops arbitrary buckets down to 99% of the cap, so that under a
// flood of new addresses one pass serves the next 1% of them. A dropped
// client starts again with a full bucket, the price of bounded memory.
func (l *limiter) trim() {
	for k := range l.clients {
		if len(l.clients) <= l.max-l.max/100 {
			break
		}
		delete(l.clients, k)
	}
}

// ErrPublicWithoutAuth refuses to serve the graph unauthenticated on an
// address that other machines can reach.
var ErrPublicWithoutAuth = errors.New("not a loopback address, and no authentication is configured")

// CheckExposure returns ErrPublicWithoutAuth when the server would listen
// beyond loopback without authentication and InsecurePublic is not set. A
// host name counts as loopback only if every address it resolves to is.
func (c Config) CheckExposure(ctx context.Context) error {
	c = c.withDefaults()
	if c.Auth != nil || c.InsecurePublic {
		return nil
	}
	loop, err := isLoopback(ctx, c.Addr)
	if err != nil {
		return err
	}
	if !loop {
		return fmt.Errorf("%s: %w", c.Addr, ErrPublicWithoutAuth)
	}
	return nil
}

func isLoopback(ctx context.Context, addr string) (bool, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false, fmt.Errorf("address %q: %w", addr, err)
	}
	if host == "" {
		return false, nil // every interface
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return ip.Unmap().IsLoopback(), nil
	}
	ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return false, fmt.Errorf("address %q: %w", addr, err)
	}
	for _, ip := range ips {
		if !ip.Unmap().IsLoopback() {
			return false, nil
		}
	}
	return len(ips) > 0, nil
}
