"""The TinyDB backend: the store contract on a folder of small JSON files, for one machine.

See `store.py` for the store and `storage.py` / `shard.py` for how writes stay safe across
processes.
"""

from .store import TinyStore, open_folder

__all__ = ["TinyStore", "open_folder"]
