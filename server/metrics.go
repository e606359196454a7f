package server

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus metrics, in a registry of its own so
// that two servers (as in tests) never share or clash.
type metrics struct {
	reg *prometheus.Registry

	httpRequests *prometheus.CounterVec   // route, code
	httpDuration *prometheus.HistogramVec // route
	gqlRequests  *prometheus.CounterVec   // operation, outcome
	gqlDuration  *prometheus.HistogramVec // operation
	storeCalls   *prometheus.CounterVec   // method, outcome
	storeLatency *prometheus.HistogramVec // method

	names operationNames
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "policygraph_http_requests_total",
			Help: "HTTP requests by route pattern and status code.",
		}, []string{"route", "code"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "policygraph_http_request_duration_seconds",
			Help:    "HTTP request latency by route pattern.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route"}),
		gqlRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "policygraph_graphql_operations_total",
			Help: "GraphQL operations run, by operation name and outcome (ok, error).",
		}, []string{"operation", "outcome"}),
		gqlDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "policygraph_graphql_operation_duration_seconds",
			Help:    "GraphQL operation latency by operation name.",
			Buckets: prometheus.DefBuckets,
		}, []string{"operation"}),
		storeCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "policygraph_store_calls_total",
			Help: "Store calls by method and outcome (ok, not_found, invalid, unavailable, timeout, canceled, error, panic).",
		}, []string{"method", "outcome"}),
		storeLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "policygraph_store_call_duration_seconds",
			Help:    "Store call latency by method.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method"}),
	}
	m.reg.MustRegister(m.httpRequests, m.httpDuration, m.gqlRequests, m.gqlDuration,
		m.storeCalls, m.storeLatency,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// countStatements exports how many Cypher statements a store has sent, for
// stores that count them (the Neo4j store's RoundTrips), so that a benchmark
// can tell statements per request.
func (m *metrics) countStatements(store any) {
	st, ok := store.(interface{ RoundTrips() int64 })
	if !ok {
		return
	}
	m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "policygraph_store_statements_total",
		Help: "Cypher statements the store has sent to Neo4j.",
	}, func() float64 { return float64(st.RoundTrips()) }))
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// operations returns the gqlgen extension that meters operations by name.
func (m *metrics) operations() graphql.HandlerExtension { return operationMetrics{m} }

type operationMetrics struct{ m *metrics }

func (operationMetrics) ExtensionName() string                   { return "OperationMetrics" }
func (operationMetrics) Validate(graphql.ExecutableSchema) error { return nil }

func (o operationMetrics) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if !graphql.HasOperationContext(ctx) {
		// Refused before an operation existed, such as a body that is
		// not JSON.
		o.m.gqlRequests.WithLabelValues("invalid_request", "error").Inc()
		return resp
	}
	opCtx := graphql.GetOperationContext(ctx)
	name := opCtx.OperationName // as the client asked, else as the document says
	if name == "" && opCtx.Operation != nil {
		name = opCtx.Operation.Name
	}
	name = o.m.names.label(name)
	outcome := "ok"
	if resp == nil || len(resp.Errors) > 0 {
		outcome = "error"
	}
	o.m.gqlRequests.WithLabelValues(name, outcome).Inc()
	o.m.gqlDuration.WithLabelValues(name).Observe(time.Since(opCtx.Stats.OperationStart).Seconds())
	return resp
}

// operationNames bounds the operation label: clients choose operation names,
// and each new name would be a new time series. The first maxOperationNames
// names are kept; later ones are counted as "other".
type operationNames struct {
	mu   sync.Mutex
	seen map[string]bool
}

const (
	maxOperationNames = 200
	maxOperationLen   = 64
)

func (n *operationNames) label(name string) string {
	switch {
	case name == "":
		return "anonymous"
	case len(name) > maxOperationLen:
		return "other"
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.seen == nil {
		n.seen = map[string]bool{}
	}
	if !n.seen[name] {
		if len(n.seen) >= maxOperationNames {
			return "other"
		}
		n.seen[name] = true
	}
	return name
}
