"""Pages that exist only in demo mode: the outbox, and the published site served by the app.

`SITE_PATH` is where the demo serves the site; the demo publishes with a matching SITE_URL, so
the site's sitemap, feed and 404 page name the address it is really reached at.
"""

__all__ = ["SITE_PATH"]

SITE_PATH = "/dev/site/"
