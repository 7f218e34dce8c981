"""Voicebox's server side. Importing this package loads nothing: the store, the text rules and
the publisher use parts of it without Flask. `feedback_app.app.create_app()` builds the web
app; `feedback_app.cli` is the `voicebox` command."""
