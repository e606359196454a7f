"""The client against a live server on the seed dataset: every method's
answer, its shape (DataFrame columns and types, graph attributes), paging,
the one spelling of the vocabulary, and errors with the server's message
and code."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

import policygraph
import policygraph.client
from policygraph import Client

SHEINBAUM = "person/claudia-sheinbaum"
MEXICO = "country/mexico"
CHINA = "country/china"
HEGSETH = "person/pete-hegseth"
SINALOA = "organization/sinaloa-cartel"
US_TARIFFS = "policy/us-tariffs-mexican-imports"

KINDS = {"PERSON", "ORGANIZATION", "COUNTRY", "POLICY"}
ENTITY_COLUMNS = ["id", "name", "kind", "type", "aliases", "description", "status", "date", "start", "end", "rate",
                  "count"]
RELATIONSHIP_COLUMNS = ["id", "type", "source", "target", "role", "allegation", "rank", "count", "rate", "status",
                        "date", "start", "end", "evidence"]


def is_evidence(evs: object) -> bool:
    return (isinstance(evs, list) and len(evs) > 0
            and all(set(ev) == {"source", "quote"} and ev["source"].startswith("source/") and ev["quote"]
                    for ev in evs))


# ------------------------------------------------------------------ lookups

def test_entity(pg: Client) -> None:
    e = pg.entity(SHEINBAUM)
    assert (e.id, e.name, e.kind) == (SHEINBAUM, "Claudia Sheinbaum", "PERSON")
    assert "Ms. Sheinbaum" in e.aliases
    assert e.description and e.type is None and e.status is None
    assert is_evidence(e.evidence)
    assert e.to_dict()["name"] == "Claudia Sheinbaum"


def test_policy_entity(pg: Client) -> None:
    p = pg.entity(US_TARIFFS)
    assert (p.kind, p.type, p.status, p.rate) == ("POLICY", "TARIFF", "POSTPONED", 25.0)
    assert isinstance(p.rate, float)


def test_entities_in_order_without_unknown(pg: Client) -> None:
    df = pg.entities([MEXICO, "person/nobody", SHEINBAUM])
    assert list(df.columns) == ENTITY_COLUMNS
    assert list(df["id"]) == [MEXICO, SHEINBAUM]
    small = Client(pg.url, page_size=1).entities([MEXICO, SHEINBAUM, CHINA])
    assert list(small["id"]) == [MEXICO, SHEINBAUM, CHINA]


def test_relationship_and_source(pg: Client) -> None:
    r = pg.relationship(f"{SHEINBAUM}|LEADS|{MEXICO}")
    assert (r.type, r.source, r.target, r.role) == ("LEADS", SHEINBAUM, MEXICO, "President")
    assert is_evidence(r.evidence)
    s = pg.source(r.evidence[0]["source"])
    assert s.title and s.publisher == "The New York Sun"


def test_stats(pg: Client) -> None:
    s = pg.stats()
    assert set(s.entities_by_kind) == KINDS
    assert s.entities == sum(s.entities_by_kind.values())
    assert s.entities_by_kind["PERSON"] == len(pg.people())
    assert s.relationships == sum(s.relationships_by_type.values())


# ------------------------------------------------------------------ lists

def test_search(pg: Client) -> None:
    hits = pg.search("cjng")
    assert list(hits.columns) == [*ENTITY_COLUMNS, "score"]
    assert hits.iloc[0]["id"] == "organization/jalisco-new-generation-cartel"
    assert hits.iloc[0]["type"] == "CARTEL" and hits["score"].dtype == "Int64"
    # Accents and case ignored; kinds in any case.
    found = pg.search("lopez obrador", kinds=["person"])
    assert found.iloc[0]["name"] == "Andrés Manuel López Obrador"
    assert set(found["kind"]) == {"PERSON"}
    assert len(pg.search("mexico", limit=2)) == 2
    assert len(pg.search("mexico", limit=None)) >= len(pg.search("mexico", limit=2))
    empty = pg.search("zzzz nothing")
    assert empty.empty and list(empty.columns) == [*ENTITY_COLUMNS, "score"]


@pytest.mark.parametrize("method", ["people", "countries", "organizations", "policies"])
def test_lists_follow_cursors(pg: Client, method: str) -> None:
    """Small pages give what one big page gives: every cursor is followed."""
    whole = getattr(pg, method)()
    paged = getattr(Client(pg.url, page_size=2), method)()
    assert len(whole) > 2
    pd.testing.assert_frame_equal(whole, paged)
    assert whole["id"].is_unique
    names = list(whole["name"])
    assert names == sorted(names), "by name"
    assert len(getattr(pg, method)(limit=3)) == 3


def test_totals_match_graphql(pg: Client) -> None:
    total = pg.query("{ people(first: 1) { totalCount } }")["people"]["totalCount"]
    assert len(pg.people()) == total


def test_lists_shape(pg: Client) -> None:
    people = pg.people()
    assert list(people.columns) == ENTITY_COLUMNS
    assert set(people["kind"]) == {"PERSON"}
    orgs = pg.organizations()
    assert set(orgs["kind"]) == {"ORGANIZATION"} and orgs["type"].notna().all()
    cartels = pg.organizations("cartel")
    assert len(cartels) > 0 and set(cartels["type"]) == {"CARTEL"}
    policies = pg.policies()
    assert policies["rate"].dtype == "float64" and policies["count"].dtype == "Int64"


def test_policies_filters(pg: Client) -> None:
    tariffs = pg.policies(types="Tariff")
    assert len(tariffs) > 0 and set(tariffs["type"]) == {"TARIFF"}
    on_china = pg.policies(target=CHINA)
    assert len(on_china) > 0 and all(CHINA in t for t in on_china["targets"])
    by_mexico = pg.policies(enacted_by=MEXICO)
    assert len(by_mexico) > 0 and all(MEXICO in e for e in by_mexico["enacted_by"])
    postponed = pg.policies(statuses=["postponed"])
    assert US_TARIFFS in set(postponed["id"]) and set(postponed["status"]) == {"POSTPONED"}
    dated = pg.policies(from_="2025", to=dt.date(2025, 12, 31))
    assert len(dated) > 0 and dated["date"].fillna(dated["start"]).str.startswith("2025").all()
    none = pg.policies(types="TARIFF", target="person/claudia-sheinbaum")
    assert none.empty and list(none.columns) == [*ENTITY_COLUMNS, "enacted_by", "targets"]


def test_policies_complete_long_actor_lists(pg: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    """A policy with more actors or targets than a page asks for has the rest
    asked for on its own."""
    want = pg.policies().set_index("id")[["enacted_by", "targets"]]
    assert (want["enacted_by"].map(len) > 1).any() and (want["targets"].map(len) > 1).any()
    monkeypatch.setattr(policygraph.client, "_NESTED", 1)
    got = pg.policies().set_index("id")[["enacted_by", "targets"]]
    for col in want:
        assert [sorted(v) for v in got[col]] == [sorted(v) for v in want[col]], col


def test_relationships(pg: Client) -> None:
    rels = pg.relationships(MEXICO)
    assert list(rels.columns) == ["id", "type", "source", "target", "direction", "other", "other_name", "other_kind",
                                  *RELATIONSHIP_COLUMNS[4:]]
    degree = pg.neighborhood(MEXICO, limit=1).nodes[MEXICO]["degree"]
    assert len(rels) == degree == 19
    assert set(rels["direction"]) == {"IN", "OUT"}
    for r in rels.itertuples(index=False):
        assert r.other == (r.target if r.direction == "OUT" else r.source)
        assert is_evidence(r.evidence)
    pd.testing.assert_frame_equal(rels, Client(pg.url, page_size=3).relationships(MEXICO))
    leaders = pg.relationships(MEXICO, "leads", direction="IN")
    assert set(leaders["type"]) == {"LEADS"} and SHEINBAUM in set(leaders["other"])
    assert leaders.loc[leaders["other"] == SHEINBAUM, "other_name"].item() == "Claudia Sheinbaum"


# ------------------------------------------------------------------ graphs

def export_view(g: nx.MultiDiGraph) -> tuple[dict, dict]:
    """Nodes and edges with their attributes, less what only one source
    gives (Gephi's viz, the neighbourhood's hiddenRelationships)."""
    nodes = {n: {k: v for k, v in d.items() if k not in ("viz", "hiddenRelationships")} for n, d in g.nodes(data=True)}
    edges = {k: (u, v, d) for u, v, k, d in g.edges(keys=True, data=True)}
    # Numbers keep their types (a rate of 25 is 25.0), not only their values.
    for d in [*nodes.values(), *(d for _, _, d in edges.values())]:
        for name, typ in {"rate": float, "count": int, "rank": int, "degree": int, "depth": int}.items():
            assert name not in d or type(d[name]) is typ, (name, d)
    return nodes, edges


def test_neighborhood_graph(pg: Client) -> None:
    g = pg.neighborhood(MEXICO, depth=2, limit=500)
    assert isinstance(g, nx.MultiDiGraph)
    assert g.graph == {"center": MEXICO, "depth": 2, "types": [], "truncated": False}
    assert g.nodes[MEXICO]["depth"] == 0 and g.nodes[MEXICO]["kind"] == "COUNTRY"
    assert g.nodes[MEXICO]["degree"] == 19
    for n, d in g.nodes(data=True):
        assert d["label"] and d["kind"] in KINDS and isinstance(d["degree"], int)
        assert isinstance(d.get("aliases", []), list)
    for u, v, k, d in g.edges(keys=True, data=True):
        assert k == d["id"] and k.startswith(f"{u}|{d['type']}|{v}")
        assert d["label"] == d["type"] and d["type"] == d["type"].upper()
        assert is_evidence(d["evidence"])
    # Typed edges: Sheinbaum LEADS Mexico, with its quote.
    leads = g.get_edge_data(SHEINBAUM, MEXICO)
    assert leads[f"{SHEINBAUM}|LEADS|{MEXICO}"]["role"] == "President"


def test_neighborhood_is_the_export(pg: Client) -> None:
    """The GraphQL neighbourhood and every export of it are one graph."""
    want = export_view(pg.neighborhood(MEXICO, depth=2, limit=500))
    for fmt in ("graphml", "gexf", "cytoscape.json"):
        got = pg.export(MEXICO, depth=2, limit=500, format=fmt)
        assert isinstance(got, nx.MultiDiGraph)
        assert got.graph == {"center": MEXICO, "depth": 2, "types": [], "truncated": False}, fmt
        assert export_view(got) == want, fmt
    gexf = pg.export(MEXICO, format="gexf")
    assert gexf.nodes[MEXICO]["viz"]["color"] == {"r": 0, "g": 158, "b": 115, "a": 1.0}


def test_neighborhood_filters(pg: Client) -> None:
    g = pg.neighborhood(HEGSETH, depth=2, types=["holds_office", "LEADS"], direction="BOTH")
    assert {d["type"] for _, _, d in g.edges(data=True)} <= {"HOLDS_OFFICE", "LEADS"}
    assert g.graph["types"] == ["HOLDS_OFFICE", "LEADS"]
    small = pg.neighborhood(MEXICO, limit=3)
    assert small.number_of_nodes() == 3 and small.graph["truncated"] is True


def test_whole_graph_export(pg: Client) -> None:
    g = pg.export(limit=5000)
    stats = pg.stats()
    assert g.number_of_nodes() == stats.entities
    assert g.graph["center"] is None and g.graph["truncated"] is False
    part = pg.export(limit=5, format="cytoscape.json")
    assert part.number_of_nodes() == 5 and part.graph["truncated"] is True
    typed = pg.export(types="TARGETS", format="gexf")
    assert {d["type"] for _, _, d in typed.edges(data=True)} == {"TARGETS"}


def test_download(pg: Client, tmp_path: Path) -> None:
    out = tmp_path / "mexico.gexf"
    content = pg.download("gexf", out, center=MEXICO)
    assert content.startswith(b'<?xml') and b"<viz:color" in content
    assert out.read_bytes() == content
    assert pg.download("cytoscape.json").startswith(b"{")
    with pytest.raises(ValueError, match="format"):
        pg.download("dot")  # type: ignore[arg-type]


def test_frames_from_graphs(pg: Client) -> None:
    g = pg.neighborhood(SHEINBAUM)
    nodes, edges = policygraph.nodes_frame(g), policygraph.edges_frame(g)
    assert nodes.index.name == "id" and SHEINBAUM in nodes.index and nodes["degree"].dtype == "Int64"
    assert len(edges) == g.number_of_edges() and {"source", "target", "type", "evidence"} <= set(edges.columns)


# ------------------------------------------------------------------ paths and time

def test_shortest_path(pg: Client) -> None:
    p = pg.shortest_path(HEGSETH, SINALOA)
    assert p is not None and p.length == 2
    assert p.ids[0] == HEGSETH and p.ids[-1] == SINALOA
    assert list(p.nodes.columns) == ENTITY_COLUMNS and list(p.edges.columns) == RELATIONSHIP_COLUMNS
    assert str(p).startswith("Pete Hegseth ") and str(p).endswith(" Sinaloa Cartel")
    assert all(is_evidence(ev) for ev in p.edges["evidence"])
    g = p.to_networkx()
    assert nx.shortest_path_length(g.to_undirected(), HEGSETH, SINALOA) == 2
    assert pg.shortest_path(HEGSETH, SINALOA, max_hops=1) is None


def test_paths(pg: Client) -> None:
    ps = pg.paths(SHEINBAUM, "person/donald-trump", max_hops=2)
    assert ps and [p.length for p in ps] == sorted(p.length for p in ps)
    for p in ps:
        assert p.ids[0] == SHEINBAUM and p.ids[-1] == "person/donald-trump" and p.length <= 2
        for i, e in enumerate(p.edges.itertuples(index=False)):
            assert {e.source, e.target} == {p.ids[i], p.ids[i + 1]}
    assert len(pg.paths(SHEINBAUM, "person/donald-trump", max_hops=3, limit=1)) == 1


def test_timeline(pg: Client) -> None:
    t = pg.timeline(MEXICO)
    assert list(t.columns) == ["date", "event", "id", "type", "label", "status", "source", "target", "evidence"]
    assert set(t["event"]) == {"POLICY", "RELATIONSHIP"}
    assert len(t) > 3
    rels = t[t["event"] == "RELATIONSHIP"]
    assert rels["evidence"].map(is_evidence).all()
    assert ((rels["source"] == MEXICO) | (rels["target"] == MEXICO)).all()
    window = pg.timeline(MEXICO, from_="2025-02", to="2025-03")
    assert len(window) > 0 and window["date"].str.startswith("2025-0").all()
    whole = pg.timeline(limit=5)
    assert len(whole) == 5


# ------------------------------------------------------------------ one spelling

def test_one_spelling_joins(pg: Client) -> None:
    """What GraphQL says and what an export says join value for value: the
    vocabulary has one spelling in everything the API emits."""
    policies = pg.policies().set_index("id")[["kind", "type", "status"]]
    exported = policygraph.nodes_frame(pg.export(limit=5000, format="graphml"))
    joined = policies.join(exported[["kind", "type", "status"]], how="inner", suffixes=("", "_export"))
    assert len(joined) == len(policies)
    for col in ("kind", "type", "status"):
        assert joined[col].fillna("").tolist() == joined[f"{col}_export"].fillna("").tolist(), col
        assert (joined[col].dropna() == joined[col].dropna().str.upper()).all(), col
    rels = policygraph.edges_frame(pg.export(MEXICO, format="cytoscape.json"))
    assert set(rels["type"]) <= set(pg.stats().relationships_by_type)


# ------------------------------------------------------------------ errors

def test_not_found(pg: Client) -> None:
    with pytest.raises(policygraph.NotFoundError) as err:
        pg.entity("person/nobody")
    e = err.value
    assert isinstance(e, policygraph.GraphQLError)
    assert e.code == "NOT_FOUND" and e.status == 200 and e.path == ["entity"]
    assert e.message == 'entity "person/nobody" not found'
    assert str(e) == 'NOT_FOUND: entity "person/nobody" not found'


def test_validation_error_is_not_hidden_by_the_status(pg: Client) -> None:
    """The server answers 422 with a GraphQL error; its message, with the
    suggestion, is what the client raises."""
    with pytest.raises(policygraph.BadRequestError) as err:
        pg.query('{ entity(id: "country/mexico") { nam } }')
    e = err.value
    assert e.status == 422 and e.code == "GRAPHQL_VALIDATION_FAILED"
    assert 'Did you mean "name"?' in e.message
    with pytest.raises(policygraph.BadRequestError) as err:
        pg.query("query($c: String) { people(after: $cursor) { totalCount } }")
    assert len(err.value.errors) == 2 and '"$cursor" is not defined' in str(err.value)


def test_bad_input_and_partial_data(pg: Client) -> None:
    with pytest.raises(policygraph.BadRequestError, match="depth must be between 1 and 3, not 9") as err:
        pg.neighborhood(MEXICO, depth=9)
    assert err.value.code == "BAD_USER_INPUT"
    with pytest.raises(policygraph.NotFoundError) as nf:
        pg.query('{ a: entity(id: "country/mexico") { name } b: entity(id: "person/nobody") { name } }')
    assert nf.value.data == {"a": {"name": "Mexico"}, "b": None} and nf.value.path == ["b"]


@pytest.mark.parametrize("kwargs,cls,code,status,message", [
    ({"center": "person/nobody"}, policygraph.NotFoundError, "NOT_FOUND", 404, "person/nobody"),
    ({"types": "LEADS,FRIENDS_WITH"}, policygraph.BadRequestError, "BAD_USER_INPUT", 400, "FRIENDS_WITH"),
    ({"center": MEXICO, "depth": 9}, policygraph.BadRequestError, "BAD_USER_INPUT", 400, "depth"),
])
def test_export_errors(pg: Client, kwargs: dict, cls: type, code: str, status: int, message: str) -> None:
    with pytest.raises(cls) as err:
        pg.export(**kwargs)
    assert err.value.code == code and err.value.status == status and message in err.value.message


def test_transport_errors(pg: Client) -> None:
    with socket_closed_port() as port:
        with pytest.raises(policygraph.TransportError) as err:
            Client(f"http://127.0.0.1:{port}").stats()
        assert err.value.status is None
    # A path that is not the API answers a plain 404: not a GraphQL answer.
    with pytest.raises(policygraph.TransportError) as err:
        Client(pg.url + "/nothing").stats()
    assert err.value.status == 404
    with pytest.raises(ValueError):
        Client(pg.url, page_size=0)


def test_authentication(api_key_server) -> None:
    server, key = api_key_server
    with pytest.raises(policygraph.AuthenticationError) as err:
        Client(server.url).stats()
    assert err.value.code == "UNAUTHENTICATED" and err.value.status == 401
    with pytest.raises(policygraph.AuthenticationError):
        Client(server.url, token="pg_wrong").entity(MEXICO)
    with pytest.raises(policygraph.AuthenticationError):
        Client(server.url).export(center=MEXICO)
    with Client(server.url, token=key) as pg:
        assert pg.entity(MEXICO).name == "Mexico"
        assert pg.export(center=MEXICO).number_of_nodes() > 1


def test_rate_limited(rate_limited_server) -> None:
    pg = Client(rate_limited_server.url)
    pg.stats()
    with pytest.raises(policygraph.RateLimitedError) as err:
        pg.stats()
    e = err.value
    assert e.code == "RATE_LIMITED" and e.status == 429
    assert e.retry_after is not None and e.retry_after > 0


class socket_closed_port:
    """A local port with nothing listening on it."""

    def __enter__(self) -> int:
        import socket

        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = int(s.getsockname()[1])
        s.close()
        return self.port

    def __exit__(self, *exc: object) -> None:
        pass
