from datetime import timedelta

import pytest
from flask import Flask
from itsdangerous.timed import TimestampSigner

from feedback_app.signed_links import LinkError, make_token, read_token

DAY = 86400


def _at(monkeypatch: pytest.MonkeyPatch, seconds: int) -> None:
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: seconds)


def test_a_link_reads_back_only_for_its_purpose_and_until_it_expires(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = 1_800_000_000
    with app.app_context():
        _at(monkeypatch, start)
        token = make_token("survey", sale=12, email="olena@example.com")
        _at(monkeypatch, start + 7 * DAY - 60)
        payload = read_token("survey", token, timedelta(days=7))
        assert (payload["sale"], payload["email"]) == (12, "olena@example.com")
        with pytest.raises(LinkError) as other:
            read_token("testimonial", token, timedelta(days=7))
        assert other.value.reason == "invalid"
        altered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
        with pytest.raises(LinkError) as bad:
            read_token("survey", altered, timedelta(days=7))
        assert bad.value.reason == "invalid"
        _at(monkeypatch, start + 7 * DAY + 2)
        with pytest.raises(LinkError) as old:
            read_token("survey", token, timedelta(days=7))
        assert old.value.reason == "expired"


def test_every_link_has_its_own_id(app: Flask) -> None:
    with app.app_context():
        ids = {read_token("x", make_token("x", sale=1), timedelta(days=1))["id"] for _ in range(5)}
    assert len(ids) == 5
