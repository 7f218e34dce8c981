"""The TinyDB backend: the store contract on a folder of small JSON files, for one machine.

See `store.py` for the store and `storage.py` / `shard.py` for how writes stay safe across
processes.
"""

from .store import TinyStore, folder_secret_key, open_folder

__all__ = ["TinyStore", "folder_secret_key", "open_folder"]
