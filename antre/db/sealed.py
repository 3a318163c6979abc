"""Model fields for personal data sealed at rest (antre.crypto), and their look-up twins.

`SealedText` and `SealedJSON` are read and written as plain values by the code, and are sealed in the
column: on SQLite, on PostgreSQL, and so in every backup and dump. A sealed column cannot be searched
(each sealing has a fresh nonce): a filter on one raises instead of silently finding nothing. What
must be found or kept unique has a `LookupHash` twin, filled from its field on every save, e.g.
`nik_hash = LookupHash(of="nik")`, queried with `crypto.lookup_hash(normalised value)`.

Rows written before sealing are sealed by each app's migration (`seal_columns`); `antre rotate-key`
seals every row again under a new key (`reseal_all`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django import forms
from django.apps import apps as installed_apps
from django.core.exceptions import FieldError
from django.db import connection, models, transaction
from django.db.models.lookups import Exact

from antre import crypto


class _IsEmpty(Exact):
    """`field=""` on a sealed field: an empty value is stored empty; any other value cannot be matched."""

    def get_prep_lookup(self):
        if self.rhs != "":
            raise FieldError(f"{self.lhs.target} is sealed: look it up by its LookupHash twin")
        return super().get_prep_lookup()


class SealedText(models.TextField):
    """Text sealed in the database; `max_length` bounds the plain value in forms, not the column."""

    def from_db_value(self, value, expression, connection):
        return None if value is None else crypto.unseal(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return crypto.seal(value) if value else value

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        if lookup_name == "exact":
            return _IsEmpty
        raise FieldError(f"{self.model.__name__}.{self.name} is sealed: look it up by its LookupHash twin")

    def formfield(self, **kwargs):
        # One line, as the CharField it used to be (TextField's form field is a text area).
        return forms.CharField(
            max_length=self.max_length,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
            **{k: v for k, v in kwargs.items() if k in ("initial", "disabled")},
        )


class SealedJSON(models.TextField):
    """A JSON value sealed in the database (a WhatsApp message's payload, a conversation's state)."""

    # What the type checker's Django plugin reads: any JSON value in, any JSON value out.
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def from_db_value(self, value, expression, connection):
        return None if value is None else json.loads(crypto.unseal(value))

    def get_prep_value(self, value):
        if value is None:
            return None
        return crypto.seal(json.dumps(value, separators=(",", ":"), ensure_ascii=False))

    def to_python(self, value):
        return json.loads(value) if isinstance(value, str) else value

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise FieldError(f"{self.model.__name__}.{self.name} is sealed and cannot be searched")

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj))

    def formfield(self, **kwargs):
        return forms.JSONField(label=self.verbose_name, required=not self.blank)


class LookupHash(models.CharField):
    """The keyed hash of another field's value, set on every save of that field's row."""

    def __init__(self, *args, of: str, **kwargs):
        self.of = of
        kwargs.setdefault("max_length", crypto.HASH_HEX)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["of"] = self.of
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = crypto.lookup_hash(getattr(model_instance, self.of) or "")
        setattr(model_instance, self.attname, value)
        return value


def _sealed_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if isinstance(f, SealedText | SealedJSON)]


def seal_columns(model: type[models.Model], columns: list[str], hashes: dict[str, str] | None = None) -> None:
    """Seal the plain values left in `columns` of the model's table, and fill the look-up hashes
    (`hashes`: hash column → column it hashes). Raw SQL, so a migration's historical model works:
    the values are read as the column has them, and written sealed. Values already sealed stay."""
    table = connection.ops.quote_name(model._meta.db_table)
    hashes = hashes or {}
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {names} FROM {table}")  # noqa: S608 (names are the model's)
        rows = cursor.fetchall()
    for pk, *values in rows:
        plain = {
            c: (v if isinstance(v, str) else json.dumps(v)) for c, v in zip(columns, values, strict=True)
        }
        plain = {c: (crypto.unseal(v) if v and crypto.is_sealed(v) else v) for c, v in plain.items()}
        update = {c: crypto.seal(v) if v else v for c, v in plain.items()}
        update |= {h: crypto.lookup_hash(plain[c] or "") for h, c in hashes.items()}
        assignments = ", ".join(f"{quote(c)} = %s" for c in update)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {assignments} WHERE id = %s", [*update.values(), pk])  # noqa: S608


def sealed_models() -> Iterator[type[models.Model]]:
    for model in installed_apps.get_models():
        if _sealed_fields(model):
            yield model


def reseal_all(batch: int = 500) -> dict[str, int]:
    """Seal every sealed value again under the primary key (after `antre rotate-key`): rows per table."""
    done: dict[str, int] = {}
    for model in sealed_models():
        fields = _sealed_fields(model)
        names = [f.name for f in fields]
        count = 0
        pks = list(model._base_manager.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), batch):
            with transaction.atomic():
                rows = list(model._base_manager.filter(pk__in=pks[start : start + batch]).only("pk", *names))
                model._base_manager.bulk_update(rows, names)
            count += len(rows)
        done[model._meta.label] = count
    return done


def plain_value(field: models.Field, value: Any) -> Any:
    """What a sealed column holds, opened (for tests and tools that read the raw table)."""
    if value is None or not isinstance(field, SealedText | SealedJSON):
        return value
    opened = crypto.unseal(value)
    return json.loads(opened) if isinstance(field, SealedJSON) else opened
