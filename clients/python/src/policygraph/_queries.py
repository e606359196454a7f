"""The GraphQL documents the client sends.

Each method of :class:`policygraph.Client` sends one of these; a new
question of the API is a new document here and a method that turns its
answer into a DataFrame or a graph. Paged lists take ``$first`` and
``$after`` and select ``pageInfo { hasNextPage endCursor }``, which
``Client._edges`` follows. Organization and policy types are asked under
the aliases ``orgType`` and ``policyType``: GraphQL cannot merge two fields
named ``type`` of different enum types.
"""

ENTITY = """
fragment EntityFields on Entity {
  id name kind aliases description
  ... on Organization { orgType: type }
  ... on Policy { policyType: type status date start end rate count }
}
"""

EVIDENCE = "evidence { quote source { id } }"

RELATIONSHIP = f"""
fragment RelationshipFields on Relationship {{
  id type source target role allegation rank count rate status date start end
  {EVIDENCE}
}}
"""

ENTITY_BY_ID = (
    """
query Entity($id: ID!) {
  entity(id: $id) { ...EntityFields """
    + EVIDENCE
    + """ }
}
"""
    + ENTITY
)

ENTITIES_BY_ID = (
    """
query Entities($ids: [ID!]!) {
  entities(ids: $ids) { ...EntityFields }
}
"""
    + ENTITY
)

SOURCE_BY_ID = """
query Source($id: ID!) {
  source(id: $id) { id title publisher published url }
}
"""

RELATIONSHIP_BY_ID = (
    """
query Relationship($id: ID!) {
  relationship(id: $id) { ...RelationshipFields }
}
"""
    + RELATIONSHIP
)

SEARCH = (
    """
query Search($text: String!, $kinds: [EntityKind!], $first: Int!, $after: String) {
  search(text: $text, kinds: $kinds, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { score node { ...EntityFields } }
  }
}
"""
    + ENTITY
)


def entity_list(field: str, arguments: str = "", parameters: str = "") -> str:
    """A paged top-level list of entities, such as ``people``: ``arguments``
    are its filter arguments (``types: $types``) and ``parameters`` their
    declarations (``$types: [OrganizationType!]``)."""
    return (
        f"""
query List($first: Int!, $after: String{", " + parameters if parameters else ""}) {{
  {field}(first: $first, after: $after{", " + arguments if arguments else ""}) {{
    totalCount
    pageInfo {{ hasNextPage endCursor }}
    edges {{ node {{ ...EntityFields }} }}
  }}
}}
"""
        + ENTITY
    )


PEOPLE = entity_list("people")
COUNTRIES = entity_list("countries")
ORGANIZATIONS = entity_list("organizations", "types: $types", "$types: [OrganizationType!]")

POLICIES = (
    """
query Policies($first: Int!, $after: String, $nested: Int!, $types: [PolicyType!], $statuses: [Status!],
               $enactedBy: ID, $target: ID, $from: Date, $to: Date) {
  policies(first: $first, after: $after, types: $types, statuses: $statuses, enactedBy: $enactedBy,
           target: $target, from: $from, to: $to) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      ...EntityFields
      ... on Policy {
        enactedBy(first: $nested) { totalCount edges { node { id } } }
        targets(first: $nested) { totalCount edges { node { id } } }
      }
    } }
  }
}
"""
    + ENTITY
)

RELATIONSHIPS = (
    """
query Relationships($id: ID!, $types: [RelationshipType!], $direction: Direction!, $first: Int!, $after: String) {
  entity(id: $id) {
    relationships(types: $types, direction: $direction, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { direction node { id name kind } relationship { ...RelationshipFields } }
    }
  }
}
"""
    + RELATIONSHIP
)

NEIGHBORHOOD = (
    """
query Neighborhood($id: ID!, $depth: Int!, $types: [RelationshipType!], $direction: Direction!, $limit: Int!,
                   $hubDegree: Int!) {
  neighborhood(id: $id, depth: $depth, types: $types, direction: $direction, limit: $limit, hubDegree: $hubDegree) {
    truncated
    nodes { depth degree hiddenRelationships entity { ...EntityFields } }
    edges { ...RelationshipFields }
  }
}
"""
    + ENTITY
    + RELATIONSHIP
)

_PATH = """
    length
    nodes { ...EntityFields }
    edges { ...RelationshipFields }
"""

SHORTEST_PATH = (
    """
query ShortestPath($from: ID!, $to: ID!, $maxHops: Int!, $types: [RelationshipType!]) {
  shortestPath(from: $from, to: $to, maxHops: $maxHops, types: $types) {"""
    + _PATH
    + """  }
}
"""
    + ENTITY
    + RELATIONSHIP
)

PATHS = (
    """
query Paths($from: ID!, $to: ID!, $maxHops: Int!, $types: [RelationshipType!], $first: Int!) {
  paths(from: $from, to: $to, maxHops: $maxHops, types: $types, first: $first) {"""
    + _PATH
    + """  }
}
"""
    + ENTITY
    + RELATIONSHIP
)

TIMELINE = (
    """
query Timeline($entity: ID, $from: Date, $to: Date, $types: [RelationshipType!], $policyTypes: [PolicyType!],
               $first: Int!) {
  timeline(entity: $entity, from: $from, to: $to, types: $types, policyTypes: $policyTypes, first: $first) {
    date
    policy { ...EntityFields }
    relationship { ...RelationshipFields from { name } to { name } }
  }
}
"""
    + ENTITY
    + RELATIONSHIP
)

STATS = """
query Stats {
  stats { entities relationships sources entitiesByKind { kind count } relationshipsByType { type count } }
}
"""
