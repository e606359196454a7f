"""policygraph: a Python client for the policygraph knowledge graph.

The graph holds people, organizations, countries and policies joined by
typed relationships, each with the verbatim quotes of its sources. The
client asks the server's GraphQL API and its exports and answers with pandas
DataFrames (lists) and networkx directed multigraphs (subgraphs, typed edges
with their evidence)::

    import policygraph

    pg = policygraph.Client("http://127.0.0.1:8080")
    pg.entity("person/claudia-sheinbaum")           # an Entity
    pg.search("cjng")                                # a DataFrame, best first
    pg.policies(types="TARIFF", target="country/china")
    G = pg.neighborhood("country/mexico", depth=2)   # nx.MultiDiGraph
    pg.shortest_path("person/pete-hegseth", "organization/sinaloa-cartel")
    pg.timeline("country/mexico")
    pg.export(center="country/mexico", format="gexf")

Errors the server states raise :class:`GraphQLError` subclasses with its
message and ``extensions.code``; see :mod:`policygraph.errors`.
"""

from policygraph._convert import edges_frame, nodes_frame
from policygraph.client import Client, Direction, ExportFormat, __version__
from policygraph.errors import (
    AuthenticationError,
    BadRequestError,
    GraphQLError,
    NotFoundError,
    PolicyGraphError,
    RateLimitedError,
    TransportError,
    UnavailableError,
)
from policygraph.models import Entity, Evidence, Path, Relationship, Source, Stats

__all__ = [
    "Client",
    "Direction",
    "ExportFormat",
    "Entity",
    "Evidence",
    "Path",
    "Relationship",
    "Source",
    "Stats",
    "PolicyGraphError",
    "TransportError",
    "GraphQLError",
    "NotFoundError",
    "BadRequestError",
    "AuthenticationError",
    "RateLimitedError",
    "UnavailableError",
    "nodes_frame",
    "edges_frame",
    "__version__",
]
