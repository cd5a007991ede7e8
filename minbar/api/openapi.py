"""The OpenAPI 3.1 description of the read API, served at /api/openapi.json."""

from minbar.newsroom.models import ArticleType

NINJS_SCHEMA = "http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json"

STRING = {"type": "string"}
URI = {"type": "string", "format": "uri"}
TIME = {"type": "string", "format": "date-time"}


def role_values(*required):
    item = {
        "type": "object",
        "required": ["value", *required],
        "properties": {"role": STRING, "contenttype": STRING, "value": STRING},
    }
    return {"type": "array", "items": item}


def entities():
    item = {
        "type": "object",
        "properties": {"name": STRING, "rel": STRING, "literal": STRING, "uri": URI},
    }
    return {"type": "array", "items": item}


RENDITION = {
    "type": "object",
    "required": ["name", "href"],
    "properties": {
        "name": STRING,
        "href": URI,
        "contenttype": STRING,
        "width": {"type": "integer"},
        "height": {"type": "integer"},
    },
}

NINJS_ITEM = {
    "type": "object",
    "description": f"An article as an IPTC ninjs 2.2 document ({NINJS_SCHEMA}).",
    "externalDocs": {"url": "https://iptc.org/standards/ninjs/"},
    "required": [
        "uri",
        "type",
        "version",
        "pubstatus",
        "language",
        "altids",
        "headlines",
        "bodies",
        "genres",
        "subjects",
    ],  # fmt: skip
    "properties": {
        "uri": URI,
        "type": {"const": "text"},
        "version": STRING,
        "firstcreated": TIME,
        "versioncreated": TIME,
        "pubstatus": {"const": "usable"},
        "language": {"const": "ar"},
        "altids": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"role": STRING, "value": STRING},
            },
        },
        "headlines": role_values("role"),
        "descriptions": role_values("role"),
        "bodies": role_values("role", "contenttype"),
        "genres": entities(),
        "by": STRING,
        "people": entities(),
        "subjects": entities(),
        "infosources": entities(),
        "located": STRING,
        "associations": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "uri"],
                "properties": {
                    "name": STRING,
                    "uri": URI,
                    "type": {"const": "picture"},
                    "by": STRING,
                    "descriptions": role_values("role"),
                    "renditions": {"type": "array", "items": RENDITION},
                },
            },
        },
    },
}

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": STRING, "parameter": STRING},
}


def query(name, description, schema=STRING):
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def json_content(schema):
    return {"application/json": {"schema": schema}}


def responses(ok_description, ok_schema, *errors):
    result = {
        "200": {"description": ok_description, "content": json_content(ok_schema)}
    }
    for status, description in errors:
        result[status] = {
            "description": description,
            "content": json_content({"$ref": "#/components/schemas/Error"}),
        }
    return result


LIST_PARAMETERS = [
    query("section", "A section's slug: its articles and its subsections'."),
    query(
        "type",
        "The article type.",
        {"type": "string", "enum": list(ArticleType.values)},
    ),
    query("writer", "A writer's slug."),
    query("tag", "A tag's slug."),
    query(
        "since",
        "First published on or after this date (YYYY-MM-DD, the site's time zone)"
        " or this ISO 8601 date and time.",
    ),
    query("until", "First published on or before this date or date and time."),
    query(
        "limit",
        "How many articles per page.",
        {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
    ),
    query("cursor", "Where to continue: from the `next` address of the previous page."),
]

SEARCH_RESULT = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "url": URI,
        "headline": STRING,
        "score": {"type": "number"},
        "first_published_at": {"type": ["string", "null"], "format": "date-time"},
    },
}

SEARCH_RESPONSE = {
    "type": "object",
    "required": ["query", "total", "page", "pages", "results"],
    "properties": {
        "query": STRING,
        "total": {"type": "integer"},
        "total_is_lower_bound": {"type": "boolean"},
        "page": {"type": "integer"},
        "pages": {"type": "integer"},
        "errors": {"type": "object"},
        "results": {"type": "array", "items": SEARCH_RESULT},
    },
}


def openapi_document() -> dict:
    item_ref = {"$ref": "#/components/schemas/NinjsItem"}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Minbar read API",
            "version": "1.0",
            "description": "Published articles as IPTC ninjs 2.2, and search.",
        },
        "paths": {
            "/api/ninjs/": {
                "get": {
                    "operationId": "listArticles",
                    "summary": "Published articles, newest first",
                    "parameters": LIST_PARAMETERS,
                    "responses": responses(
                        "A page of articles; `next` is null on the last page.",
                        {
                            "type": "object",
                            "required": ["items", "next"],
                            "properties": {
                                "items": {"type": "array", "items": item_ref},
                                "next": {"type": ["string", "null"], "format": "uri"},
                            },
                        },
                        ("400", "A parameter is not valid; `parameter` names it."),
                    ),
                }
            },
            "/api/ninjs/{public_id}": {
                "get": {
                    "operationId": "getArticle",
                    "summary": "One published article",
                    "parameters": [
                        {
                            "name": "public_id",
                            "in": "path",
                            "required": True,
                            "description": "The article's number, as in its address.",
                            "schema": {"type": "integer", "minimum": 1},
                        }
                    ],
                    "responses": responses(
                        "The article as ninjs.",
                        item_ref,
                        ("404", "No published article has this number."),
                    ),
                }
            },
            "/api/search/": {
                "get": {
                    "operationId": "search",
                    "summary": "Full-text search of published articles",
                    "parameters": [
                        query("q", "What to search for.", {"type": "string"}),
                        query(
                            "page",
                            "The page of results (20 a page).",
                            {"type": "integer", "minimum": 1, "maximum": 10000},
                        ),
                    ],
                    "responses": responses("Search results.", SEARCH_RESPONSE),
                }
            },
        },
        "components": {"schemas": {"NinjsItem": NINJS_ITEM, "Error": ERROR}},
    }
