"""The exports as their consumers read them: GraphML and GEXF through
networkx's own readers, Cytoscape.js JSON through json.

Each export is checked on its own (every node and edge attribute with its
type) and against the others: the three formats of one export must hold
the same nodes, edges and values. Kinds, types and statuses are spelt as
GraphQL spells them (PERSON, CARTEL, POSTPONED), and checked against a
GraphQL answer when a server is live. See conftest.py for where the
exports come from (a live server or the Go golden files).
"""

import io
import json
import math
import xml.etree.ElementTree as ET
from collections import Counter

import networkx as nx
import pytest

from conftest import CASES

KINDS = {"PERSON", "ORGANIZATION", "COUNTRY", "POLICY"}
# policygraph.TraversableTypes(): the types that join two entities.
TRAVERSABLE = {
    "LEADS", "HOLDS_OFFICE", "MEMBER_OF", "EMPLOYED_BY", "ALLIED_WITH", "SUCCEEDED", "ENACTED", "ANNOUNCED",
    "TARGETS", "SUPPORTS", "OPPOSES", "EXTRADITED_TO", "ACCUSED", "OPERATES_IN", "PART_OF", "TRADES_WITH",
}
NODE_ATTRS = {"label", "kind", "type", "aliases", "description", "status", "date", "start", "end", "rate", "count",
              "degree", "depth"}
EDGE_ATTRS = {"label", "type", "role", "allegation", "rank", "count", "rate", "status", "date", "start", "end",
              "evidence"}
NUMERIC = {"rate": float, "count": int, "rank": int, "depth": int, "degree": int}
# The explorer's colours by kind (web/explorer/style.js), which the GEXF's viz carries.
COLORS = {"PERSON": (0x00, 0x72, 0xB2), "ORGANIZATION": (0xE6, 0x9F, 0x00), "COUNTRY": (0x00, 0x9E, 0x73),
          "POLICY": (0xCC, 0x79, 0xA7)}
SHEINBAUM_LEADS = ("person/claudia-sheinbaum", "country/mexico")


def read(exports, case, fmt):
    data = exports.case(case, fmt)
    if fmt == "graphml":
        return nx.read_graphml(io.BytesIO(data))
    if fmt == "gexf":
        return nx.read_gexf(io.BytesIO(data))
    return json.loads(data)


def cytoscape_as_graph(doc):
    """The Cytoscape JSON as a networkx graph, to compare with the others."""
    g = nx.MultiDiGraph()
    for n in doc["elements"]["nodes"]:
        g.add_node(n["data"]["id"], **n["data"])
    for e in doc["elements"]["edges"]:
        g.add_edge(e["data"]["source"], e["data"]["target"], key=e["data"]["id"], **e["data"])
    return g


def edges(g):
    """(source, target, attributes) of every edge, with the edge's ID in
    attributes["id"]. networkx keeps a GraphML edge's ID as its key in a
    multigraph and as its "id" attribute otherwise; a GEXF edge's as both."""
    if g.is_multigraph():
        return [(u, v, {"id": k, **d}) for u, v, k, d in g.edges(keys=True, data=True)]
    return list(g.edges(data=True))


def edges_by_id(g):
    """Every edge's attributes by its ID, with its ends."""
    return {d["id"]: (u, v, d) for u, v, d in edges(g)}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_reads_back_with_networkx(exports, case, fmt):
    g = read(exports, case, fmt)
    assert g.is_directed()
    assert g.number_of_nodes() > 0 and g.number_of_edges() > 0
    neighbourhood = "center" in CASES[case][0]

    for node, d in g.nodes(data=True):
        d = dict(d)
        if fmt == "gexf":
            viz = d.pop("viz")
            assert (viz["color"]["r"], viz["color"]["g"], viz["color"]["b"]) == COLORS[d["kind"]], node
            assert viz["size"] == round(10 + 5 * math.log1p(d["degree"]), 1), node
        extra = set(d) - NODE_ATTRS
        assert not extra, f"{node}: unexpected attributes {extra}"
        assert d["label"], node
        assert d["kind"] in KINDS, node
        assert node.startswith(d["kind"].lower() + "/"), node
        if d["kind"] in ("ORGANIZATION", "POLICY"):
            assert d.get("type"), f"{node} has no type"
            assert d["type"] == d["type"].upper(), node
        assert d.get("status", "").upper() == d.get("status", ""), node
        if "aliases" in d:
            aliases = json.loads(d["aliases"])
            assert isinstance(aliases, list) and aliases and all(isinstance(a, str) and a for a in aliases), node
        assert d["degree"] >= (1 if neighbourhood else 0), node
        for name, typ in NUMERIC.items():
            if name in d:
                assert type(d[name]) is typ, f"{node}.{name} = {d[name]!r}, want {typ.__name__}"
        assert ("depth" in d) == neighbourhood, node

    ids = []
    for u, v, d in edges(g):
        ids.append(d["id"])
        extra = set(d) - EDGE_ATTRS - {"id"}
        assert not extra, f"{d['id']}: unexpected attributes {extra}"
        assert d["type"] in TRAVERSABLE, d["id"]
        assert d["label"] == d["type"], d["id"]
        assert d["id"].startswith(f"{u}|{d['type']}|{v}"), d["id"]
        for name, typ in NUMERIC.items():
            if name in d:
                assert type(d[name]) is typ, f"{d['id']}.{name} = {d[name]!r}, want {typ.__name__}"
        evidence = json.loads(d["evidence"])
        assert evidence, f"{d['id']} has no evidence"
        for ev in evidence:
            assert set(ev) == {"source", "quote"}, d["id"]
            assert ev["source"].startswith("source/") and ev["quote"].strip(), d["id"]
    assert len(ids) == len(set(ids)), "edge IDs repeat"


@pytest.mark.parametrize("case", CASES)
def test_formats_agree(exports, case):
    """GraphML, GEXF and Cytoscape JSON hold the same nodes, edges and values."""
    graphml, gexf = read(exports, case, "graphml"), read(exports, case, "gexf")
    cy = cytoscape_as_graph(read(exports, case, "cytoscape.json"))
    assert set(graphml.nodes) == set(gexf.nodes) == set(cy.nodes)

    for node in cy.nodes:
        want = {k: v for k, v in cy.nodes[node].items() if k != "id"}
        for name, g in [("graphml", graphml), ("gexf", gexf)]:
            got = {k: v for k, v in g.nodes[node].items() if k != "viz"}
            if "aliases" in got:
                got["aliases"] = json.loads(got["aliases"])
            assert got == want, f"{name} {node}"

    want_edges = edges_by_id(cy)
    for name, g in [("graphml", graphml), ("gexf", gexf)]:
        got = edges_by_id(g)
        assert set(got) == set(want_edges), name
        for eid, (u, v, d) in got.items():
            wu, wv, wd = want_edges[eid]
            assert (u, v) == (wu, wv), eid
            want = {k: val for k, val in wd.items() if k not in ("source", "target", "evidence")}
            assert {k: val for k, val in d.items() if k != "evidence"} == want, f"{name} {eid}"
            assert json.loads(d["evidence"]) == wd["evidence"], f"{name} {eid}"


@pytest.mark.parametrize("case", ["whole", "sheinbaum"])
@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_sheinbaum_leads_mexico(exports, case, fmt):
    g = read(exports, case, fmt)
    leads = [d for u, v, d in edges(g) if (u, v) == SHEINBAUM_LEADS and d["type"] == "LEADS"]
    assert len(leads) == 1, f"no LEADS edge from Sheinbaum to Mexico in {case}.{fmt}"
    edge = leads[0]
    assert edge["id"] == "person/claudia-sheinbaum|LEADS|country/mexico"
    assert edge["role"] == "President"
    quotes = [ev["quote"] for ev in json.loads(edge["evidence"])]
    assert any("Sheinbaum" in q for q in quotes), quotes
    assert g.nodes["person/claudia-sheinbaum"]["label"] == "Claudia Sheinbaum"
    assert g.nodes["country/mexico"]["kind"] == "COUNTRY"


def test_neighbourhood_depths_and_graph_attributes(exports):
    g = read(exports, "sheinbaum", "graphml")
    assert g.graph["center"] == "person/claudia-sheinbaum"
    assert g.graph["depth"] == 1
    assert g.graph["truncated"] is False
    depths = nx.get_node_attributes(g, "depth")
    assert depths.pop("person/claudia-sheinbaum") == 0
    assert set(depths.values()) == {1}
    # Every node at depth 1 is joined to the centre.
    u = g.to_undirected(as_view=True)
    assert all(u.has_edge("person/claudia-sheinbaum", n) for n in depths)

    # GEXF has no graph attributes: the export says what it is in <meta>.
    meta = ET.fromstring(exports.case("sheinbaum", "gexf")).find("{http://gexf.net/1.3}meta")
    assert "person/claudia-sheinbaum" in meta.findtext("{http://gexf.net/1.3}description")


def test_types_filter(exports):
    g = read(exports, "hegseth", "graphml")
    assert g.graph["types"] == "HOLDS_OFFICE,LEADS,ENACTED,TARGETS"
    assert {d["type"] for _, _, d in g.edges(data=True)} <= {"HOLDS_OFFICE", "LEADS", "ENACTED", "TARGETS"}
    assert max(nx.get_node_attributes(g, "depth").values()) == 2


def test_numbers_are_numbers(exports):
    g = read(exports, "whole", "gexf")
    tariff = g.nodes["policy/us-tariffs-mexican-imports"]
    assert tariff["rate"] == 25.0 and tariff["type"] == "TARIFF"
    ranks = [d["rank"] for _, _, d in g.edges(data=True) if d["type"] == "TRADES_WITH"]
    assert ranks and all(isinstance(r, int) for r in ranks)


def test_analysis_on_the_export(exports):
    """What an analyst does next: paths and centrality on the whole graph."""
    g = read(exports, "whole", "graphml")
    u = nx.Graph(g.to_undirected())
    path = nx.shortest_path(u, "person/pete-hegseth", "organization/sinaloa-cartel")
    assert len(path) - 1 == 2
    degree = nx.degree_centrality(u)
    assert max(degree, key=degree.get) == "country/mexico"


@pytest.mark.parametrize("case", CASES)
def test_cytoscape_shape(exports, case):
    doc = read(exports, case, "cytoscape.json")
    assert set(doc) == {"data", "elements"}
    assert isinstance(doc["data"]["truncated"], bool)
    nodes, edges = doc["elements"]["nodes"], doc["elements"]["edges"]
    ids = {n["data"]["id"] for n in nodes}
    assert len(ids) == len(nodes)
    for n in nodes:
        assert set(n) == {"data"} and n["data"]["label"] and n["data"]["kind"] in KINDS
        assert isinstance(n["data"].get("aliases", []), list)
    for e in edges:
        d = e["data"]
        assert set(e) == {"data"}
        assert d["source"] in ids and d["target"] in ids, d["id"]
        assert d["id"] not in ids
        assert isinstance(d["evidence"], list) and d["evidence"], d["id"]
        assert all(set(ev) == {"source", "quote"} for ev in d["evidence"]), d["id"]


# ---------------------------------------------------------------- live only

@pytest.mark.parametrize("fmt,content_type,ext", [
    ("graphml", "application/graphml+xml", ".graphml"),
    ("gexf", "application/gexf+xml", ".gexf"),
    ("cytoscape.json", "application/json", ".cytoscape.json"),
])
def test_live_headers(live, fmt, content_type, ext):
    resp = live.get(fmt, center="person/claudia-sheinbaum")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == content_type
    assert resp.headers["Content-Disposition"] == f'attachment; filename="policygraph-person-claudia-sheinbaum{ext}"'
    assert resp.headers["X-Policygraph-Truncated"] == "false"
    assert live.get(fmt).headers["Content-Disposition"] == f'attachment; filename="policygraph-graph{ext}"'


def test_live_truncation(live):
    resp = live.get("graphml", limit="5")
    assert resp.status_code == 200 and resp.headers["X-Policygraph-Truncated"] == "true"
    g = nx.read_graphml(io.BytesIO(resp.content))
    assert g.number_of_nodes() == 5 and g.graph["truncated"] is True


@pytest.mark.parametrize("params,code,message", [
    ({"types": "LEADS,FRIENDS_WITH"}, 400, "FRIENDS_WITH"),
    ({"types": "MENTIONS"}, 400, "MENTIONS"),
    ({"center": "country/mexico", "depth": "9"}, 400, "depth"),
    ({"limit": "-1"}, 400, "limit"),
    ({"center": "person/nobody"}, 404, "person/nobody"),
])
def test_live_errors(live, params, code, message):
    resp = live.get("gexf", **params)
    assert resp.status_code == code
    assert resp.headers["Content-Type"] == "application/json"
    assert message in resp.json()["error"]


def test_live_spelling_joins_graphql(live):
    """An export's kinds, types and statuses join GraphQL's: the same
    spelling, value for value."""
    import pandas as pd

    data = live.graphql("""{ policies(first: 100) { edges { node { id kind type status } } } }""")
    gql = pd.DataFrame([e["node"] for e in data["policies"]["edges"]]).set_index("id")
    g = nx.read_graphml(io.BytesIO(live.get("graphml", limit="5000").content))
    exp = pd.DataFrame.from_dict(dict(g.nodes(data=True)), orient="index")
    exp = exp[exp["kind"] == "POLICY"][["kind", "type", "status"]]
    joined = gql.join(exp, suffixes=("", "_export"), how="inner")
    assert len(joined) == len(gql) > 0
    for col in ("kind", "type", "status"):
        assert joined[col].fillna("").tolist() == joined[col + "_export"].fillna("").tolist(), col


def test_live_degree_is_graphql_degree(live):
    """An export's degree is the neighbourhood's, for the whole graph too."""
    data = live.graphql("""{ neighborhood(id: "country/mexico", depth: 1, limit: 500) { nodes { id degree } } }""")
    want = {n["id"]: n["degree"] for n in data["neighborhood"]["nodes"]}
    g = nx.read_gexf(io.BytesIO(live.get("gexf", limit="5000").content))
    assert {n: g.nodes[n]["degree"] for n in want} == want
    assert want["country/mexico"] == max(d for _, d in g.nodes(data="degree"))


def test_live_whole_graph_matches_stats(live):
    """The whole-graph export holds every entity and every relationship
    between two entities that the server counts."""
    stats = live.graphql("{ stats { entities relationshipsByType { type count } } }")["stats"]
    if stats["entities"] > 5000:
        pytest.skip("graph larger than the export's largest limit")
    g = nx.read_gexf(io.BytesIO(live.get("gexf", limit="5000").content))
    assert g.number_of_nodes() == stats["entities"]
    want = Counter({t["type"]: t["count"] for t in stats["relationshipsByType"]
                    if t["type"] in TRAVERSABLE and t["count"]})
    assert Counter(d["type"] for _, _, d in g.edges(data=True)) == want
