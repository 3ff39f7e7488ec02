"""The published OpenAPI describes the bodies the API really takes and gives: ninja names a
component after its schema class, so two classes of one name publish one of them for both."""

from __future__ import annotations

import importlib
import pkgutil

from ninja import Schema

import hireloop.api
from hireloop.api.app import api


def _schema_classes() -> list[type[Schema]]:
    found = []
    for info in pkgutil.walk_packages(hireloop.api.__path__, "hireloop.api."):
        module = importlib.import_module(info.name)
        found += [
            obj
            for obj in vars(module).values()
            if isinstance(obj, type)
            and issubclass(obj, Schema)
            and obj.__module__ == module.__name__
        ]
    return found


def test_schema_names_are_unique():
    classes = _schema_classes()
    assert len(classes) > 40
    names = [cls.__name__ for cls in classes]
    assert sorted(n for n in set(names) if names.count(n) > 1) == []


def test_each_published_component_has_its_class_fields():
    published = api.get_openapi_schema()["components"]["schemas"]
    checked = 0
    for cls in _schema_classes():
        if cls.__name__ in published:
            fields = set(cls.model_json_schema()["properties"])
            assert set(published[cls.__name__]["properties"]) == fields, cls.__name__
            checked += 1
    assert checked > 30


def test_the_decision_operations_are_tagged_decisions():
    paths = api.get_openapi_schema()["paths"]
    tagged = {
        (path, method)
        for path, operations in paths.items()
        for method, operation in operations.items()
        if operation.get("tags") == ["decisions"]
    }
    assert tagged == {
        ("/api/v1/applications/{application_id}/debrief", "get"),
        ("/api/v1/applications/{application_id}/decisions", "post"),
        ("/api/v1/applications/{application_id}/focus-areas", "post"),
        ("/api/v1/roles/{role_id}/rules", "put"),
    }
