"""The API reference at ``/api/docs``: server-rendered from the app's own OpenAPI document.

No script, stylesheet or font from another host (FastAPI's Swagger UI and ReDoc pages load
theirs from a CDN, which would hand every visitor's address to a third party; C6, C8): one
page of HTML with varna's stylesheet, and a link to the raw ``/api/openapi.json``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

import varna
from varna.entrypoints.access import PUBLIC
from varna.entrypoints.web.pages import page_language, templates

router = APIRouter(
    include_in_schema=False, dependencies=[PUBLIC]
)  # anyone (R6: entrypoints/access.py)
METHODS = ("get", "post", "put", "patch", "delete")
REF = "#/components/schemas/"


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    where: str  # path, query, header, cookie, or "body" for a schema's property
    type: str
    required: bool
    description: str


@dataclass(frozen=True, slots=True)
class Body:
    type: str
    media: str  # application/json, ...


@dataclass(frozen=True, slots=True)
class Answer:
    status: str
    description: str
    bodies: list[Body]


@dataclass(frozen=True, slots=True)
class Endpoint:
    method: str
    path: str
    summary: str
    description: str
    parameters: list[Field]
    bodies: list[Body]  # the request body's types, one per media type
    answers: list[Answer]

    @property
    def anchor(self) -> str:
        return f"{self.method}-{self.path}".replace("/", "-").replace("{", "").replace("}", "")


@dataclass(frozen=True, slots=True)
class Schema:
    name: str
    description: str
    fields: list[Field]


def type_of(schema: dict[str, Any]) -> str:
    """A short, readable type: a schema's name, ``list of X``, ``X or null``, ``map of X``."""
    if "$ref" in schema:
        return str(schema["$ref"]).removeprefix(REF)
    for union in ("anyOf", "oneOf"):
        if union in schema:
            return " or ".join(type_of(part) for part in schema[union])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list of {type_of(schema.get('items', {}))}"
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        return f"map of {type_of(schema['additionalProperties'])}"
    if "enum" in schema:
        return " | ".join(str(value) for value in schema["enum"])
    return str(kind)


def bodies(content: dict[str, Any]) -> list[Body]:
    return [Body(type_of(media.get("schema", {})), kind) for kind, media in content.items()]


def endpoints(document: dict[str, Any]) -> list[Endpoint]:
    found = []
    for path, operations in document.get("paths", {}).items():
        for method in METHODS:
            if (operation := operations.get(method)) is None:
                continue
            parameters = [
                Field(
                    p["name"],
                    p["in"],
                    type_of(p.get("schema", {})),
                    p.get("required", False),
                    p.get("description", ""),
                )
                for p in operation.get("parameters", [])
            ]
            answers = [
                Answer(status, answer.get("description", ""), bodies(answer.get("content", {})))
                for status, answer in operation.get("responses", {}).items()
            ]
            body = bodies(operation.get("requestBody", {}).get("content", {}))
            found.append(
                Endpoint(
                    method.upper(),
                    path,
                    operation.get("summary", ""),
                    operation.get("description", ""),
                    parameters,
                    body,
                    answers,
                )
            )
    return found


def schemas(document: dict[str, Any]) -> list[Schema]:
    found = []
    for name, schema in sorted(document.get("components", {}).get("schemas", {}).items()):
        required = set(schema.get("required", []))
        fields = [
            Field(field, "body", type_of(spec), field in required, spec.get("description", ""))
            for field, spec in schema.get("properties", {}).items()
        ]
        found.append(Schema(name, schema.get("description", ""), fields))
    return found


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    document = request.app.openapi()
    named = schemas(document)
    return templates.TemplateResponse(
        request,
        "api_docs.html",
        {
            "lang": page_language(request),
            "version": varna.__version__,
            "info": document.get("info", {}),
            "openapi_url": request.app.openapi_url,
            "endpoints": endpoints(document),
            "schemas": named,
            "schema_names": {schema.name for schema in named},
        },
    )
