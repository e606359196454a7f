"""The policygraph client: questions to the GraphQL API and downloads of the
exports, answered as pandas DataFrames and networkx graphs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path as FilePath
from typing import Any, Literal

import networkx as nx
import pandas as pd
import requests

from policygraph import _convert, _queries
from policygraph.errors import TransportError, error_for, export_error
from policygraph.models import Entity, Path, Relationship, Source, Stats

__all__ = ["Client", "ExportFormat", "Direction"]

__version__ = "0.1.0"

ExportFormat = Literal["graphml", "gexf", "cytoscape.json"]
Direction = Literal["OUT", "IN", "BOTH"]

# How many of a policy's actors and targets a policies page asks for with
# each policy; a policy with more has the rest asked for on its own. A page
# of 100 policies asking for 100 of each would be over the server's
# default complexity limit.
_NESTED = 20

# What a value of these parameters may be: one value or several; None for
# no filter.
Names = str | Iterable[str] | None
Date = str | dt.date | None

TIMELINE_COLUMNS = ["date", "event", "id", "type", "label", "status", "source", "target", "evidence"]
RELATIONSHIP_EDGE_COLUMNS = [*_convert.RELATIONSHIP_COLUMNS[:4], "direction", "other", "other_name", "other_kind",
                             *_convert.RELATIONSHIP_COLUMNS[4:]]


class Client:
    """A connection to a policygraph server.

    >>> import policygraph
    >>> pg = policygraph.Client("http://127.0.0.1:8080")
    >>> pg.entity("country/mexico").name
    'Mexico'

    Args:
        url: the server's base URL, such as ``http://127.0.0.1:8080``
            (``/graphql`` and ``/export/...`` are found under it).
        token: an API key or JWT, sent as ``Authorization: Bearer <token>``,
            for a server started with ``--api-keys`` or ``--jwt-*``.
        timeout: seconds to wait for an answer to a query; exports get four
            times as long.
        page_size: how many items to ask for a page when following Relay
            cursors; at most the server's ``--max-page-size`` (100 by
            default).
        session: a :class:`requests.Session` to send requests with (proxies,
            certificates, retries); a new one by default.

    Every method raises :class:`~policygraph.GraphQLError` (or its subclass
    for the code, such as :class:`~policygraph.NotFoundError`) when the
    server answers with an error, and :class:`~policygraph.TransportError`
    when no answer of the API comes.

    Vocabulary values are spelt as the API spells them (``PERSON``,
    ``CARTEL``, ``POSTPONED``, ``LEADS``) in everything the client returns;
    arguments take them in any case (``types=["tariff"]``).
    """

    def __init__(self, url: str, token: str | None = None, *, timeout: float = 30.0, page_size: int = 100,
                 session: requests.Session | None = None) -> None:
        if page_size < 1:
            raise ValueError(f"page_size must be at least 1, not {page_size}")
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.page_size = page_size
        self._session = session or requests.Session()
        self._headers = {"User-Agent": f"policygraph-python/{__version__}", "Accept": "application/json"}
        if token:
            self._headers["Authorization"] = f"Bearer {token}"

    def __repr__(self) -> str:
        return f"Client({self.url!r})"

    def close(self) -> None:
        """Close the HTTP session."""
        self._session.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ GraphQL

    def query(self, query: str, variables: Mapping[str, Any] | None = None, *,
              operation_name: str | None = None) -> dict[str, Any]:
        """Run any GraphQL query and return its ``data``.

        Raises :class:`~policygraph.GraphQLError` (or a subclass) for the
        first of the answer's errors, carrying them all, whatever the HTTP
        status; the partial ``data`` is on the exception.

        >>> pg.query('query($id: ID!) { entity(id: $id) { name } }', {"id": "country/mexico"})
        {'entity': {'name': 'Mexico'}}
        """
        payload: dict[str, Any] = {"query": query, "variables": dict(variables or {})}
        if operation_name:
            payload["operationName"] = operation_name
        url = self.url + "/graphql"
        try:
            resp = self._session.post(url, json=payload, headers=self._headers, timeout=self.timeout)
        except requests.RequestException as err:
            raise TransportError(f"POST {url}: {err}") from err
        body = _json(resp)
        if isinstance(body, dict) and body.get("errors"):
            raise error_for(body["errors"], status=resp.status_code, data=body.get("data"),
                            retry_after=_retry_after(resp))
        if resp.status_code >= 400 or not isinstance(body, dict) or not isinstance(body.get("data"), dict):
            raise TransportError(f"POST {url}: HTTP {resp.status_code}, not a GraphQL answer: {_excerpt(resp)}",
                                 status=resp.status_code, body=_excerpt(resp))
        data: dict[str, Any] = body["data"]
        return data

    def _edges(self, query: str, variables: Mapping[str, Any], path: Sequence[str],
               limit: int | None = None) -> Iterator[dict[str, Any]]:
        """The edges of a paged connection, page after page: each page asks
        for ``$first`` items ``$after`` the last page's ``endCursor`` until
        ``hasNextPage`` is false or ``limit`` edges came (None: all)."""
        after: str | None = None
        seen = 0
        while limit is None or seen < limit:
            first = self.page_size if limit is None else min(self.page_size, limit - seen)
            conn: Any = self.query(query, {**variables, "first": first, "after": after})
            for key in path:
                conn = conn[key]
            for edge in conn["edges"]:
                yield edge
                seen += 1
            info = conn["pageInfo"]
            if not info["hasNextPage"] or not conn["edges"]:
                return
            after = info["endCursor"]

    # ------------------------------------------------------------ lookups

    def entity(self, id: str) -> Entity:
        """The entity with this ID, with its evidence.

        Raises :class:`~policygraph.NotFoundError` for an unknown ID.
        """
        return _convert.entity(self.query(_queries.ENTITY_BY_ID, {"id": id})["entity"])

    def entities(self, ids: Iterable[str]) -> pd.DataFrame:
        """The entities with these IDs, one row each in the order asked
        (columns ``id, name, kind, type, aliases, description, status, date,
        start, end, rate, count``); unknown IDs are left out."""
        ids = list(ids)
        rows = []
        for i in range(0, len(ids), self.page_size):
            found = self.query(_queries.ENTITIES_BY_ID, {"ids": ids[i:i + self.page_size]})["entities"]
            rows += [_convert.entity_row(e) for e in found if e is not None]
        return _convert.frame(rows, _convert.ENTITY_COLUMNS)

    def source(self, id: str) -> Source:
        """The source (an article) with this ID."""
        s = self.query(_queries.SOURCE_BY_ID, {"id": id})["source"]
        return Source(id=s["id"], title=s["title"], publisher=s.get("publisher"), published=s.get("published"),
                      url=s.get("url"))

    def relationship(self, id: str) -> Relationship:
        """The relationship with this ID (``"from|TYPE|to"``), with the quotes
        that support it."""
        return _convert.relationship(self.query(_queries.RELATIONSHIP_BY_ID, {"id": id})["relationship"])

    def stats(self) -> Stats:
        """How many entities, relationships and sources the graph holds, by
        kind and by type."""
        s = self.query(_queries.STATS)["stats"]
        return Stats(entities=s["entities"], relationships=s["relationships"], sources=s["sources"],
                     entities_by_kind={k["kind"]: k["count"] for k in s["entitiesByKind"]},
                     relationships_by_type={t["type"]: t["count"] for t in s["relationshipsByType"]})

    # ------------------------------------------------------------ lists

    def search(self, text: str, kinds: Names = None, *, limit: int | None = 10) -> pd.DataFrame:
        """Entities whose names or aliases match ``text`` (case and accents
        ignored), best first: the entity columns and ``score`` (10 to 100).
        ``limit`` hits at most (None: every match)."""
        edges = self._edges(_queries.SEARCH, {"text": text, "kinds": _names(kinds)}, ["search"], limit)
        return _convert.frame(({**_convert.entity_row(e["node"]), "score": e["score"]} for e in edges),
                              [*_convert.ENTITY_COLUMNS, "score"])

    def people(self, *, limit: int | None = None) -> pd.DataFrame:
        """Every person (or the first ``limit``), by name."""
        return self._entity_list(_queries.PEOPLE, "people", {}, limit)

    def organizations(self, types: Names = None, *, limit: int | None = None) -> pd.DataFrame:
        """Every organization, or those of these types (``CARTEL``,
        ``AGENCY``...), by name."""
        return self._entity_list(_queries.ORGANIZATIONS, "organizations", {"types": _names(types)}, limit)

    def countries(self, *, limit: int | None = None) -> pd.DataFrame:
        """Every country, by name."""
        return self._entity_list(_queries.COUNTRIES, "countries", {}, limit)

    def _entity_list(self, query: str, field: str, variables: Mapping[str, Any], limit: int | None) -> pd.DataFrame:
        edges = self._edges(query, variables, [field], limit)
        return _convert.frame((_convert.entity_row(e["node"]) for e in edges), _convert.ENTITY_COLUMNS)

    def policies(self, types: Names = None, *, statuses: Names = None, enacted_by: str | None = None,
                 target: str | None = None, from_: Date = None, to: Date = None,
                 limit: int | None = None) -> pd.DataFrame:
        """Policies that pass every filter given, by name: the entity columns
        and ``enacted_by`` and ``targets``, the IDs of who ENACTED or
        ANNOUNCED each and of whom it TARGETS.

        Args:
            types: policy types, such as ``TARIFF`` or ``DESIGNATION``.
            statuses: such as ``POSTPONED`` or ``IN_FORCE``.
            enacted_by: only policies this entity ENACTED or ANNOUNCED.
            target: only policies that TARGET this entity.
            from_, to: only policies dated (their date, else start) in this
                range; ``"2025"`` to ``"2025-03"`` includes ``"2025-03-04"``.
                Undated policies are left out by a date filter.
            limit: at most this many (None: all).
        """
        variables = {"types": _names(types), "statuses": _names(statuses), "enactedBy": enacted_by,
                     "target": target, "from": _date(from_), "to": _date(to), "nested": _NESTED}
        rows = []
        for edge in self._edges(_queries.POLICIES, variables, ["policies"], limit):
            node = edge["node"]
            row = _convert.entity_row(node)
            row["enacted_by"] = self._complete(node["id"], node["enactedBy"], ["ENACTED", "ANNOUNCED"], "IN")
            row["targets"] = self._complete(node["id"], node["targets"], ["TARGETS"], "OUT")
            rows.append(row)
        return _convert.frame(rows, [*_convert.ENTITY_COLUMNS, "enacted_by", "targets"])

    def _complete(self, id: str, conn: Mapping[str, Any], types: list[str], direction: Direction) -> list[str]:
        """The far ends of a nested connection's first page, or of all its
        relationships when it has more than one page."""
        ids = [str(e["node"]["id"]) for e in conn["edges"]]
        if conn["totalCount"] > len(ids):
            ids = list(self.relationships(id, types, direction=direction)["other"])
        return ids

    def relationships(self, id: str, types: Names = None, *, direction: Direction = "BOTH",
                      limit: int | None = None) -> pd.DataFrame:
        """The entity's relationships with other entities, by type and then
        ID: the relationship columns and ``direction`` (``OUT`` when it starts
        at the entity), ``other``, ``other_name`` and ``other_kind`` (the
        entity at the far end)."""
        variables = {"id": id, "types": _names(types), "direction": direction.upper()}
        rows = []
        for e in self._edges(_queries.RELATIONSHIPS, variables, ["entity", "relationships"], limit):
            row = _convert.relationship_row(e["relationship"])
            row.update(direction=e["direction"], other=e["node"]["id"], other_name=e["node"]["name"],
                       other_kind=e["node"]["kind"])
            rows.append(row)
        return _convert.frame(rows, RELATIONSHIP_EDGE_COLUMNS)

    # ------------------------------------------------------------ graphs

    def neighborhood(self, id: str, depth: int = 1, types: Names = None, *, direction: Direction = "BOTH",
                     limit: int = 100, hub_degree: int = 200) -> nx.MultiDiGraph[str]:
        """The entities within ``depth`` hops of an entity and the
        relationships among them, as a directed multigraph.

        Nodes are keyed by entity ID, with ``label`` (the name), ``kind``,
        ``type``, ``aliases``, ``description``, a policy's ``status``,
        dates, ``rate`` and ``count``, and ``depth``, ``degree`` (its
        relationships of the followed types in the whole graph) and
        ``hiddenRelationships`` (those not drawn). Edges are keyed by
        relationship ID, with ``id``, ``type`` (also ``label``), their
        properties and ``evidence``, a list of ``{"source", "quote"}``.
        ``G.graph`` says ``center``, ``depth``, ``types`` and ``truncated``
        (more than ``limit`` entities were in reach).
        """
        sub = self.query(_queries.NEIGHBORHOOD, {
            "id": id, "depth": depth, "types": _names(types), "direction": direction.upper(), "limit": limit,
            "hubDegree": hub_degree,
        })["neighborhood"]
        nodes = [{**_convert.entity_row(n["entity"]), "degree": n["degree"], "depth": n["depth"],
                  "hiddenRelationships": n["hiddenRelationships"]} for n in sub["nodes"]]
        edges = [_convert.relationship_row(e) for e in sub["edges"]]
        return _convert.graph(nodes, edges, center=id, depth=depth, types=_names(types) or [],
                              truncated=sub["truncated"])

    def shortest_path(self, source: str, target: str, *, max_hops: int = 4, types: Names = None) -> Path | None:
        """The first shortest path from ``source`` to ``target`` along
        relationships followed either way, or None when there is none within
        ``max_hops``."""
        p = self.query(_queries.SHORTEST_PATH, {"from": source, "to": target, "maxHops": max_hops,
                                                "types": _names(types)})["shortestPath"]
        return _path(p) if p is not None else None

    def paths(self, source: str, target: str, *, max_hops: int = 3, types: Names = None,
              limit: int = 10) -> list[Path]:
        """The first ``limit`` simple paths from ``source`` to ``target``
        within ``max_hops``, shortest first (``limit`` at most the server's
        page size)."""
        ps = self.query(_queries.PATHS, {"from": source, "to": target, "maxHops": max_hops,
                                         "types": _names(types), "first": limit})["paths"]
        return [_path(p) for p in ps]

    def timeline(self, entity: str | None = None, *, from_: Date = None, to: Date = None, types: Names = None,
                 policy_types: Names = None, limit: int = 100) -> pd.DataFrame:
        """Dated events in date order, one row each: ``date``; ``event``
        (``POLICY`` or ``RELATIONSHIP``); ``id``, ``type`` and ``status`` of
        the policy or relationship; ``label`` (the policy's name, or "from
        TYPE to"); for a relationship its ``source``, ``target`` and
        ``evidence``. With ``entity``, that entity's events; else the whole
        graph's. ``limit`` at most the server's page size."""
        events = self.query(_queries.TIMELINE, {
            "entity": entity, "from": _date(from_), "to": _date(to), "types": _names(types),
            "policyTypes": _names(policy_types), "first": limit,
        })["timeline"]
        rows = []
        for ev in events:
            if ev.get("policy"):
                p = _convert.entity_row(ev["policy"])
                rows.append({"date": ev["date"], "event": "POLICY", "id": p["id"], "type": p["type"],
                             "label": p["name"], "status": p["status"], "evidence": []})
            else:
                r = ev["relationship"]
                rows.append({"date": ev["date"], "event": "RELATIONSHIP", "id": r["id"], "type": r["type"],
                             "label": f"{r['from']['name']} {r['type']} {r['to']['name']}",
                             "status": r.get("status"), "source": r["source"], "target": r["target"],
                             "evidence": _convert.evidence(r.get("evidence"))})
        return _convert.frame(rows, TIMELINE_COLUMNS)

    # ------------------------------------------------------------ exports

    def export(self, center: str | None = None, *, depth: int | None = None, types: Names = None,
               limit: int | None = None, format: ExportFormat = "graphml") -> nx.MultiDiGraph[str]:
        """An export of the server (``/export/FORMAT``) read into a directed
        multigraph shaped like :meth:`neighborhood`'s: ``aliases`` a list,
        ``evidence`` a list of ``{"source", "quote"}``, edges keyed by
        relationship ID. Every format gives the same graph, but GEXF's nodes
        also carry Gephi's ``viz`` (colour and size).

        Args:
            center: an entity ID: its neighbourhood; None: the whole graph
                (its first ``limit`` entities by name and the relationships
                among them).
            depth: hops from ``center``, 1 to 3 (the server's default 1).
            types: relationship types to follow and export.
            limit: the most entities (the server's default 500, at most 5000).
            format: which export to read.
        """
        content, resp = self._export(format, center, depth, types, limit)
        return _convert.export_graph(format, content, center=center,
                                     depth=(depth or 1) if center else None,
                                     types=_names(types) or [],
                                     truncated=resp.headers.get("X-Policygraph-Truncated") == "true")

    def download(self, format: ExportFormat, path: str | FilePath | None = None, *, center: str | None = None,
                 depth: int | None = None, types: Names = None, limit: int | None = None) -> bytes:
        """The bytes of an export file, for Gephi, Cytoscape or yEd; written
        to ``path`` too when one is given. The arguments are
        :meth:`export`'s."""
        content, _ = self._export(format, center, depth, types, limit)
        if path is not None:
            FilePath(path).write_bytes(content)
        return content

    def _export(self, fmt: str, center: str | None, depth: int | None, types: Names,
                limit: int | None) -> tuple[bytes, requests.Response]:
        if fmt not in ("graphml", "gexf", "cytoscape.json"):
            raise ValueError(f"format must be graphml, gexf or cytoscape.json, not {fmt!r}")
        params: dict[str, str] = {}
        if center is not None:
            params["center"] = center
        if depth is not None:
            params["depth"] = str(depth)
        if names := _names(types):
            params["types"] = ",".join(names)
        if limit is not None:
            params["limit"] = str(limit)
        url = f"{self.url}/export/{fmt}"
        try:
            resp = self._session.get(url, params=params, headers=self._headers, timeout=self.timeout * 4)
        except requests.RequestException as err:
            raise TransportError(f"GET {url}: {err}") from err
        if resp.status_code == 200:
            return resp.content, resp
        body = _json(resp)
        if isinstance(body, dict) and body.get("errors"):  # the auth and rate-limit layers speak GraphQL
            raise error_for(body["errors"], status=resp.status_code, retry_after=_retry_after(resp))
        if isinstance(body, dict) and isinstance(body.get("error"), str):
            raise export_error(body["error"], status=resp.status_code, retry_after=_retry_after(resp))
        raise TransportError(f"GET {url}: HTTP {resp.status_code}, not an export: {_excerpt(resp)}",
                             status=resp.status_code, body=_excerpt(resp))


def _path(p: Mapping[str, Any]) -> Path:
    return Path(nodes=_convert.frame((_convert.entity_row(n) for n in p["nodes"]), _convert.ENTITY_COLUMNS),
                edges=_convert.frame((_convert.relationship_row(e) for e in p["edges"]),
                                     _convert.RELATIONSHIP_COLUMNS))


def _names(values: Names) -> list[str] | None:
    """Enum values in the API's spelling (upper case), or None for none."""
    if values is None:
        return None
    if isinstance(values, str):
        values = [values]
    out = [v.strip().upper() for v in values]
    return out or None


def _date(d: Date) -> str | None:
    if d is None:
        return None
    return d.isoformat() if isinstance(d, dt.date) else str(d)


def _json(resp: requests.Response) -> Any:
    try:
        return resp.json()
    except ValueError:
        return None


def _retry_after(resp: requests.Response) -> float | None:
    try:
        return float(resp.headers["Retry-After"])
    except (KeyError, ValueError):
        return None


def _excerpt(resp: requests.Response) -> str:
    text = resp.text.strip().replace("\n", " ")
    return text[:200] + ("…" if len(text) > 200 else "")
