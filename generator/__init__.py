"""The publisher: approved testimonials and implemented ideas as a static MkDocs site.

collect (read the store) -> render (data in, Markdown out, no disk) -> write (only changed
files, into site_src/generated/) -> build (MkDocs into a new folder, then site/ is switched to
it in one rename). `publish()` runs all four.
"""

from .publish import PublishResult, publish

__all__ = ["PublishResult", "publish"]
