"""GraphQL answers and export files into rows, DataFrames and networkx
graphs, with the same names and types whichever way they came:

* entity rows: ``id, name, kind, type, aliases, description, status, date,
  start, end, rate, count``;
* relationship rows: ``id, type, source, target, role, allegation, rank,
  count, rate, status, date, start, end, evidence``;
* graph nodes (keyed by entity ID): the export's node attributes, ``label``
  (the name), ``kind``, ``type``, ``aliases`` (a list), ``description``,
  ``status``, dates, ``rate``, ``count``, ``degree`` and ``depth``; graph
  edges (keyed by relationship ID): ``id``, ``type``, ``label`` (the type),
  the properties and ``evidence`` (a list of ``{"source", "quote"}``).
  Attributes without a value are left out, as in the exports.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import networkx as nx
import pandas as pd

from policygraph.models import Entity, Evidence, Relationship

ENTITY_COLUMNS = ["id", "name", "kind", "type", "aliases", "description", "status", "date", "start", "end", "rate",
                  "count"]
RELATIONSHIP_COLUMNS = ["id", "type", "source", "target", "role", "allegation", "rank", "count", "rate", "status",
                        "date", "start", "end", "evidence"]
# Nullable integers stay integers in a DataFrame (Int64), floats stay floats.
_INTS = ("count", "rank", "score", "degree", "depth", "hiddenRelationships")
_FLOATS = ("rate",)


def evidence(values: Iterable[Mapping[str, Any]] | None) -> list[Evidence]:
    """GraphQL ``evidence { quote source { id } }`` as ``{"source", "quote"}``."""
    return [Evidence(source=str(v["source"]["id"]), quote=str(v["quote"])) for v in values or ()]


def entity_row(node: Mapping[str, Any]) -> dict[str, Any]:
    """A GraphQL entity (the EntityFields fragment) as an entity row."""
    return {
        "id": node["id"],
        "name": node["name"],
        "kind": node["kind"],
        "type": node.get("orgType") or node.get("policyType"),
        "aliases": list(node.get("aliases") or []),
        "description": node.get("description"),
        "status": node.get("status"),
        "date": node.get("date"),
        "start": node.get("start"),
        "end": node.get("end"),
        "rate": _float(node.get("rate")),
        "count": node.get("count"),
    }


def entity(node: Mapping[str, Any]) -> Entity:
    """A GraphQL entity as an :class:`Entity`."""
    return Entity(**entity_row(node), evidence=evidence(node.get("evidence")))


def relationship_row(rel: Mapping[str, Any]) -> dict[str, Any]:
    """A GraphQL relationship (the RelationshipFields fragment) as a row."""
    row = {c: rel.get(c) for c in RELATIONSHIP_COLUMNS}
    row["rate"] = _float(row["rate"])
    row["evidence"] = evidence(rel.get("evidence"))
    return row


def _float(v: Any) -> float | None:
    """A JSON number as a float: JSON writes a rate of 25.0 as 25."""
    return None if v is None else float(v)


def relationship(rel: Mapping[str, Any]) -> Relationship:
    """A GraphQL relationship as a :class:`Relationship`."""
    return Relationship(**relationship_row(rel))


def frame(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    """Rows as a DataFrame with exactly these columns (also when there are no
    rows), integers as nullable Int64 and rates as floats."""
    df = pd.DataFrame(list(rows), columns=list(columns))
    for c in df.columns:
        if c in _INTS:
            df[c] = df[c].astype("Int64")
        elif c in _FLOATS:
            df[c] = df[c].astype("float64")
    return df


def _present(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """attrs less those without a value (None, NA, an empty list)."""
    out = {}
    for k, v in attrs.items():
        if v is None or (isinstance(v, list) and not v):
            continue
        if not isinstance(v, (list, dict)) and pd.isna(v):
            continue
        out[k] = v.item() if hasattr(v, "item") else v  # numpy scalars to Python
    return out


def node_attrs(row: Mapping[str, Any]) -> dict[str, Any]:
    """An entity row (and any extra columns) as graph node attributes."""
    attrs = {k: v for k, v in row.items() if k not in ("id", "name")}
    return _present({"label": row["name"], **attrs})


def edge_attrs(row: Mapping[str, Any]) -> dict[str, Any]:
    """A relationship row as graph edge attributes."""
    attrs = {k: v for k, v in row.items() if k not in ("source", "target")}
    return _present({"id": row["id"], "type": row["type"], "label": row["type"], **attrs})


def graph(nodes: Iterable[Mapping[str, Any]], edges: Iterable[Mapping[str, Any]],
          **graph_attrs: Any) -> nx.MultiDiGraph[str]:
    """Entity rows and relationship rows as a directed multigraph: nodes keyed
    by ID, edges keyed by relationship ID."""
    g: nx.MultiDiGraph[str] = nx.MultiDiGraph(**graph_attrs)
    for n in nodes:
        g.add_node(n["id"], **node_attrs(n))
    for e in edges:
        g.add_edge(e["source"], e["target"], key=e["id"], **edge_attrs(e))
    return g


def graph_from_frames(nodes: pd.DataFrame, edges: pd.DataFrame) -> nx.MultiDiGraph[str]:
    """Entity and relationship DataFrames as a directed multigraph."""
    def records(df: pd.DataFrame) -> list[dict[str, Any]]:
        return [{str(k): v for k, v in r.items()} for r in df.to_dict("records")]

    return graph(records(nodes), records(edges))


def nodes_frame(g: nx.Graph[Any]) -> pd.DataFrame:
    """A graph's nodes as a DataFrame indexed by ID, a column per attribute."""
    df = frame(({"id": n, **d} for n, d in g.nodes(data=True)),
               ["id", *sorted({k for _, d in g.nodes(data=True) for k in d})])
    return df.set_index("id")


def edges_frame(g: nx.Graph[Any]) -> pd.DataFrame:
    """A graph's edges as a DataFrame: ``source``, ``target`` and a column
    per attribute."""
    rows = [{"source": u, "target": v, **d} for u, v, d in g.edges(data=True)]
    keys = sorted({k for r in rows for k in r} - {"source", "target"})
    return frame(rows, ["source", "target", *keys])


# ---------------------------------------------------------------- exports

def export_graph(fmt: str, content: bytes, **graph_attrs: Any) -> nx.MultiDiGraph[str]:
    """An export file read into the client's graph shape: aliases and
    evidence decoded from their JSON, edges keyed by ID with an ``id``
    attribute, graph attributes as given."""
    if fmt == "cytoscape.json":
        doc = json.loads(content)
        g: nx.MultiDiGraph[str] = nx.MultiDiGraph(**graph_attrs)
        for n in doc["elements"]["nodes"]:
            d = dict(n["data"])
            if "rate" in d:
                d["rate"] = _float(d["rate"])
            g.add_node(d.pop("id"), **_present(d))
        for e in doc["elements"]["edges"]:
            d = dict(e["data"])
            if "rate" in d:
                d["rate"] = _float(d["rate"])
            u, v = d.pop("source"), d.pop("target")
            g.add_edge(u, v, key=d["id"], **_present(d))
        return g

    if fmt == "graphml":
        read = nx.read_graphml(io.BytesIO(content), force_multigraph=True)
    elif fmt == "gexf":
        read = nx.read_gexf(io.BytesIO(content))
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    g = nx.MultiDiGraph(**graph_attrs)
    for n, d in read.nodes(data=True):
        d = dict(d)
        if "aliases" in d:
            d["aliases"] = json.loads(d["aliases"])
        g.add_node(n, **d)
    # networkx keeps a GraphML edge's ID as its key, a GEXF edge's as its
    # "id" attribute (and as its key only when the graph is a multigraph).
    triples = (read.edges(keys=True, data=True) if isinstance(read, nx.MultiGraph)
               else ((u, v, d["id"], d) for u, v, d in read.edges(data=True)))
    for u, v, k, d in triples:
        d = dict(d)
        d["id"] = d.get("id", k)
        if "evidence" in d:
            d["evidence"] = [Evidence(source=ev["source"], quote=ev["quote"]) for ev in json.loads(d["evidence"])]
        g.add_edge(u, v, key=d["id"], **d)
    return g
