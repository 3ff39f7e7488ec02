"""Schema design grader: loads a candidate's DDL into a scratch database, checks the schema
it builds against the ecommerce-schema-design task and draws it as an ER diagram."""

from .runner import SchemaOptions, grade

__all__ = ["SchemaOptions", "grade"]
