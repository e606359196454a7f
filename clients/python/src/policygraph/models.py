"""The records the client returns for single things (an entity, a
relationship, a source, a path, the graph's counts). Lists come as pandas
DataFrames and subgraphs as networkx graphs; see :mod:`policygraph.client`.

Vocabulary values are spelt as the API spells them everywhere: kinds
``PERSON``, ``ORGANIZATION``, ``COUNTRY``, ``POLICY``; types ``CARTEL``,
``TARIFF``; statuses ``POSTPONED``, ``IN_FORCE``; relationship types
``LEADS``. Dates are ISO 8601 strings at the precision the source gives
(``"2025"``, ``"2025-02"``, ``"2025-02-19"``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict

import pandas as pd

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["Evidence", "Entity", "Relationship", "Source", "Stats", "Path"]


class Evidence(TypedDict):
    """A verbatim quote of a source that supports a fact: the source's ID and
    the quote. The same shape in DataFrames, graphs and exports."""

    source: str
    quote: str


@dataclass(frozen=True)
class Entity:
    """A person, organization, country or policy.

    ``type`` is an organization's or policy's type; ``status``, ``date``,
    ``start``, ``end``, ``rate`` and ``count`` are a policy's. ``evidence``
    holds the passages of sources that name the entity.
    """

    id: str
    name: str
    kind: str
    aliases: list[str] = field(default_factory=list)
    description: str | None = None
    type: str | None = None
    status: str | None = None
    date: str | None = None
    start: str | None = None
    end: str | None = None
    rate: float | None = None
    count: int | None = None
    evidence: list[Evidence] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The entity as a plain dict, for a DataFrame row or JSON."""
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Relationship:
    """A typed, directed relationship from ``source`` to ``target`` (entity
    IDs), with its properties and the quotes that support it. Its ``id`` is
    ``"source|TYPE|target"`` (with ``"|key"`` when two relationships of one
    type join the same entities)."""

    id: str
    type: str
    source: str
    target: str
    role: str | None = None
    allegation: str | None = None
    rank: int | None = None
    count: int | None = None
    rate: float | None = None
    status: str | None = None
    date: str | None = None
    start: str | None = None
    end: str | None = None
    evidence: list[Evidence] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The relationship as a plain dict."""
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Source:
    """A document that evidence quotes, such as a news article."""

    id: str
    title: str
    publisher: str | None = None
    published: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Stats:
    """How much the graph holds. ``relationships`` counts every relationship,
    those that join entities to sources (``QUOTED_IN``, ``MENTIONS``)
    included."""

    entities: int
    relationships: int
    sources: int
    entities_by_kind: dict[str, int]
    relationships_by_type: dict[str, int]


@dataclass(frozen=True, eq=False)
class Path:
    """A walk between two entities: ``nodes`` (one row per entity, from the
    start to the end) and ``edges`` (one row per relationship, the i-th
    joining node i and node i+1, pointing either way: compare its
    ``source`` with the node's ``id``)."""

    nodes: pd.DataFrame
    edges: pd.DataFrame

    @property
    def length(self) -> int:
        """How many relationships the path has."""
        return len(self.edges)

    @property
    def ids(self) -> list[str]:
        """The entity IDs along the path, like ``networkx.shortest_path``."""
        return [str(i) for i in self.nodes["id"]]

    def to_networkx(self) -> nx.MultiDiGraph[str]:
        """The path as a directed multigraph, typed like
        :meth:`policygraph.Client.neighborhood`'s."""
        from policygraph import _convert

        return _convert.graph_from_frames(self.nodes, self.edges)

    def __str__(self) -> str:
        names = dict(zip(self.nodes["id"], self.nodes["name"]))
        parts = [str(self.nodes["name"].iloc[0])] if len(self.nodes) else []
        for i, edge in enumerate(self.edges.itertuples(index=False)):
            here = self.nodes["id"].iloc[i]
            arrow = f"-{edge.type}->" if edge.source == here else f"<-{edge.type}-"
            parts += [arrow, str(names[self.nodes["id"].iloc[i + 1]])]
        return " ".join(parts)

    def __repr__(self) -> str:
        return f"Path({self})"
