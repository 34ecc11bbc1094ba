"""How a search document becomes a tantivy document and back: the schema, the packed sort and
facet keys, and each document's sample slice (docs/search.md)."""

from __future__ import annotations

import zlib

import tantivy

from search import text
from search.engine import KINDS, PUBLIC_KINDS, Document

# Each document's `sample`, a stable hash of its key: counts past the exact limit were once estimated
# from one slice. Nothing reads it since the facet pass runs beside the top hits (tantivy_facets.py);
# it goes with the next change of the schema, which reindexes anyway.
SAMPLE_SLICES = 16

INT_FIELDS = ("id", "space_id", "author_id", "thread_id", "date")
KEYWORD_FIELDS = ("kind", "lang", "profiles", "themes", "regions", "sizes", "transfers", "transfer_states")
MULTI_FIELDS = {"city_ids", "profiles", "themes", "readers", "regions", "sizes", "transfers", "transfer_states"}
TEXT_FIELDS = ("title", "body")
# Every facet value of a document in one fast field, so that one aggregation counts them all:
# fields separated by \x1f, the values of a multi-valued field by \x1e.
FACET_FIELDS = (
    "kind", "lang", "space_id", "themes", "city_ids", "profiles", "regions", "sizes", "transfers", "transfer_states",
)  # fmt: skip
FACET_KEYS = 65_536
# sort=date orders by date then kind and id, packed in one integer (tantivy sorts by one field):
# milliseconds since 2020 (41 bits reach 2089), 18 bits of the id, 4 of the kind.
_EPOCH_2020 = 1_577_836_800_000
_KIND_BITS = {kind: i for i, kind in enumerate(KINDS + PUBLIC_KINDS)}  # 12 of 16


def _sort_key(document: Document) -> int:
    return ((document.date - _EPOCH_2020) << 22) | ((document.id & 0x3FFFF) << 4) | _KIND_BITS.get(document.kind, 15)


def _facet_key(document: Document) -> str:
    return "\x1f".join(
        (
            document.kind,
            document.lang,
            str(document.space_id),
            "\x1e".join(document.themes),
            "\x1e".join(map(str, document.city_ids)),
            "\x1e".join(document.profiles),
            "\x1e".join(document.regions),
            "\x1e".join(document.sizes),
            "\x1e".join(document.transfers),
            "\x1e".join(document.transfer_states),
        )
    )


def schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("key", stored=True, tokenizer_name="raw")
    for name in INT_FIELDS + ("city_ids", "readers"):
        builder.add_integer_field(name, stored=True, indexed=True, fast=True)
    builder.add_integer_field("sort_key", fast=True)
    builder.add_integer_field("sample", indexed=True)
    builder.add_text_field("facet_key", tokenizer_name="raw", index_option="basic", fast=True)
    for name in KEYWORD_FIELDS:
        builder.add_text_field(name, stored=True, tokenizer_name="raw", fast=True)
    for name in ("author_name", "context"):
        builder.add_text_field(name, stored=True, tokenizer_name="raw", index_option="basic")
    for name in TEXT_FIELDS:
        # The field holds the text in its index form (text.index_form); when that differs from the
        # text as written (unbroken scripts, decomposed accents), the original is stored beside it.
        builder.add_text_field(name, stored=True, tokenizer_name="cb")
        builder.add_bytes_field(f"{name}_original", stored=True)
        for lang in text.STEMMED:  # no phrase is searched in a stemmed field: no positions
            builder.add_text_field(f"{name}_{lang}", tokenizer_name=f"cb_{lang}", index_option="freq")
    return builder.build()


def to_tantivy(document: Document) -> tantivy.Document:
    # Field by field: about twice as fast as tantivy.Document(**fields), and this runs per document.
    doc = tantivy.Document()
    add_text, add_int = doc.add_text, doc.add_integer
    add_text("key", document.key)
    add_text("kind", document.kind)
    add_int("id", document.id)
    add_int("space_id", document.space_id)
    add_int("author_id", document.author_id)
    add_int("thread_id", document.thread_id)
    add_int("date", document.date)
    add_int("sort_key", _sort_key(document))
    add_int("sample", sample_slice(document.key))
    add_text("facet_key", _facet_key(document))
    for city in document.city_ids:
        add_int("city_ids", city)
    for profile in document.profiles:
        add_text("profiles", profile)
    for theme in document.themes:
        add_text("themes", theme)
    for reader in document.readers:
        add_int("readers", reader)
    for region in document.regions:
        add_text("regions", region)
    for size in document.sizes:
        add_text("sizes", size)
    for role in document.transfers:
        add_text("transfers", role)
    for state in document.transfer_states:
        add_text("transfer_states", state)
    lang = document.lang
    if lang:
        add_text("lang", lang)
    add_text("author_name", document.author_name)
    add_text("context", document.context)
    stemmed = lang in text.STEMMED
    for name, value in (("title", document.title), ("body", document.body)):
        if not value:
            continue
        indexed = text.index_form(value)
        add_text(name, indexed)
        if indexed is not value and indexed != value:
            doc.add_bytes(f"{name}_original", value.encode())
        if stemmed:
            add_text(f"{name}_{lang}", indexed)
    return doc


def stored_fields(doc: tantivy.Document) -> dict:
    raw = doc.to_dict()
    out = {k: (v if k in MULTI_FIELDS else v[0]) for k, v in raw.items() if v or k in MULTI_FIELDS}
    for name in TEXT_FIELDS:
        original = out.pop(f"{name}_original", None)
        if original is not None:
            out[name] = bytes(original).decode()
        out.setdefault(name, "")
    for name in MULTI_FIELDS:
        out.setdefault(name, [])
    out.setdefault("lang", "")
    return out


def sample_slice(key: str) -> int:
    return zlib.crc32(key.encode()) % SAMPLE_SLICES


def rounded_estimate(n: int) -> int:
    """A count rounded to two significant digits, so it does not pretend to be exact."""
    if n < 100:
        return n
    scale = 10 ** (len(str(n)) - 2)
    return round(n / scale) * scale
