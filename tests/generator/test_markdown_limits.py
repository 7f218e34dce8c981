"""`voicebox publish` succeeds when a staff response is too deep for Python-Markdown.

The generator renders long texts with the app's `render_markdown`; a response of
`"- " * 600 + "x"` once made the publish command exit with a 2,500-line RecursionError traceback.
"""

from __future__ import annotations

from feedback_app.store import Idea, IdeaStatus, Store
from tests.conftest import VoiceboxRunner, built_idea_page


def test_publish_succeeds_with_a_deeply_nested_staff_response(
    runner: VoiceboxRunner, store: Store
) -> None:
    idea = store.ideas.add(Idea("Deep lists", ">" * 600 + " why", "Food", 1)).id
    store.ideas.set_status(
        idea, IdeaStatus.IMPLEMENTED, "- " * 600 + "done<b>", by=1, changed_note="Shipped"
    )
    result = runner.invoke("publish")
    assert result.exit_code == 0, result.output[-2000:]
    assert "Traceback" not in result.output
    page = (built_idea_page(runner.site_dir, idea)).read_text()
    assert "- - - done&lt;b&gt;" in page
