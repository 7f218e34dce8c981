"""The store, the text rules and the publisher work without Flask (a worker, a cron job)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

_NO_FLASK = (
    "import generator, generator.publish, feedback_app.store, feedback_app.textrules, "
    "feedback_app.files; import sys; "
    "web = ('flask', 'flask_login', 'flask_babel', 'flask_wtf', 'werkzeug', "
    "'feedback_app.app', 'feedback_app.mail'); "
    "loaded = sorted(m for m in sys.modules if m.startswith(web)); "
    "assert 'flask' not in sys.modules and not loaded, loaded"
)


def test_store_text_rules_and_generator_import_without_flask() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _NO_FLASK], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
