"""The library of a space: files, links and practice records; versions, adaptations, collections.

One module per noun: resource_views (reading, and who may see what), resources (writing),
practices (adaptations, records from threads), collections. This package is their public surface:
routes and the moderation service call `library.<function>`.
"""

from server.services.library.collections import (
    create_collection,
    delete_collection,
    list_collections,
    set_collection_item,
    update_collection,
)
from server.services.library.practices import practice_draft, practice_from_thread, set_adaptation
from server.services.library.resource_views import (
    event_view,
    get,
    list_resources,
    open_download,
    resource_access,
    resource_view,
    sort_key,
    versions,
)
from server.services.library.resources import create, create_file, delete, remove, update

__all__ = [
    "create",
    "create_collection",
    "create_file",
    "delete",
    "delete_collection",
    "event_view",
    "get",
    "list_collections",
    "list_resources",
    "open_download",
    "practice_draft",
    "practice_from_thread",
    "remove",
    "resource_access",
    "resource_view",
    "set_adaptation",
    "set_collection_item",
    "sort_key",
    "update",
    "update_collection",
    "versions",
]
