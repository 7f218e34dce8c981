"""/dev/site/: in demo mode the app serves the published site as a static host would."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from feedback_app.app import create_app
from feedback_app.security import CSP
from tests.conftest import TEST_CONFIG


def _build(folder: Path, home: str) -> Path:
    """A stand-in for a MkDocs build: a home page, one page in a folder, and a 404 page."""
    (folder / "generated" / "ideas" / "7").mkdir(parents=True)
    (folder / "index.html").write_text(f"<h1>{home}</h1>")
    (folder / "generated" / "ideas" / "7" / "index.html").write_text("<h1>Ідея 7 · 想法</h1>")
    (folder / "search").mkdir()
    (folder / "search" / "search_index.json").write_text('{"docs": []}')
    (folder / "404.html").write_text("<h1>The site's own 404</h1>")
    return folder


def _demo(data_dir: Path, site_dir: Path, demo: bool = True) -> Flask:
    return create_app({"DATA_DIR": str(data_dir), "SITE_DIR": str(site_dir), **TEST_CONFIG,
                       "DEMO": demo})  # fmt: skip


def test_site_pages_are_served_with_the_sites_own_policy(tmp_path: Path) -> None:
    site = _build(tmp_path / "site", "What our customers say")
    client = _demo(tmp_path / "data", site).test_client()
    home = client.get("/dev/site/")
    assert home.status_code == 200 and "What our customers say" in home.get_data(as_text=True)
    assert home.headers["Content-Security-Policy"] != CSP, "Material's inline scripts must run"
    assert "'unsafe-inline'" in home.headers["Content-Security-Policy"]
    assert "default-src 'self'" in home.headers["Content-Security-Policy"]
    page = client.get("/dev/site/generated/ideas/7/")
    assert "Ідея 7 · 想法" in page.get_data(as_text=True)
    index = client.get("/dev/site/search/search_index.json")
    assert index.status_code == 200 and index.mimetype == "application/json"


def test_a_build_with_header_files_is_served_with_exactly_their_headers(tmp_path: Path) -> None:
    site = _build(tmp_path / "site", "Home")
    policy = "default-src 'self'; script-src 'self' 'sha256-abc='; frame-ancestors 'none'"
    (site / "_headers").write_text(
        f"# comment\n/*\n  Content-Security-Policy: {policy}\n  X-Content-Type-Options: nosniff\n"
    )
    client = _demo(tmp_path / "data", site).test_client()
    home = client.get("/dev/site/")
    assert home.headers["Content-Security-Policy"] == policy, "the build's hashed policy"
    assert home.headers["X-Content-Type-Options"] == "nosniff"


def test_a_folder_without_its_slash_is_redirected(tmp_path: Path) -> None:
    client = _demo(tmp_path / "data", _build(tmp_path / "site", "Home")).test_client()
    response = client.get("/dev/site/generated/ideas/7")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/dev/site/generated/ideas/7/")


def test_missing_pages_and_paths_outside_the_site_get_the_sites_404(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    client = _demo(data_dir, _build(tmp_path / "site", "Home")).test_client()
    (tmp_path / "secret.txt").write_text("not for visitors")
    for url in ("/dev/site/nowhere/", "/dev/site/../secret.txt", "/dev/site/%2e%2e/secret.txt",
                "/dev/site/..%2fsecret.txt"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 404, url
        assert "not for visitors" not in response.get_data(as_text=True)
    assert "The site's own 404" in client.get("/dev/site/nowhere/").get_data(as_text=True)


def test_a_switched_build_is_served_on_the_next_request(tmp_path: Path) -> None:
    first = _build(tmp_path / "builds" / "1", "First build")
    second = _build(tmp_path / "builds" / "2", "Second build")
    link = tmp_path / "site"
    link.symlink_to(first, target_is_directory=True)
    client = _demo(tmp_path / "data", link).test_client()
    assert "First build" in client.get("/dev/site/").get_data(as_text=True)
    replacement = tmp_path / "site.new"
    replacement.symlink_to(second, target_is_directory=True)
    replacement.replace(link)
    assert "Second build" in client.get("/dev/site/").get_data(as_text=True)


def test_before_the_first_publish_the_page_says_what_to_do(tmp_path: Path) -> None:
    client = _demo(tmp_path / "data", tmp_path / "site").test_client()
    response = client.get("/dev/site/")
    assert response.status_code == 404
    assert "voicebox publish" in response.get_data(as_text=True)


def test_outside_demo_mode_the_app_does_not_serve_the_site(tmp_path: Path) -> None:
    client = _demo(tmp_path / "data", _build(tmp_path / "site", "Home"), demo=False).test_client()
    response = client.get("/dev/site/")
    assert response.status_code == 404 and "Home" not in response.get_data(as_text=True)


def test_each_file_gets_the_headers_of_every_section_that_matches_it(tmp_path: Path) -> None:
    """The wall of love may be framed and its data read by other sites; nothing else."""
    site = _build(tmp_path / "site", "Home")
    (site / "wall").mkdir()
    (site / "wall" / "index.html").write_text("<ul><li>Ottimo</li></ul>")
    (site / "testimonials.json").write_text('{"version": 1, "testimonials": []}')
    policy = "default-src 'self'"
    (site / "_headers").write_text(
        f"/*\n  Content-Security-Policy: {policy}\n  X-Frame-Options: DENY\n"
        f"/wall/*\n  Content-Security-Policy: {policy}; frame-ancestors *\n"
        "/testimonials.json\n  Access-Control-Allow-Origin: *\n"
    )
    client = _demo(tmp_path / "data", site).test_client()
    wall = client.get("/dev/site/wall/")
    assert wall.headers["Content-Security-Policy"] == f"{policy}; frame-ancestors *"
    data = client.get("/dev/site/testimonials.json")
    assert data.headers["Access-Control-Allow-Origin"] == "*"
    assert data.headers["Content-Security-Policy"] == policy
    for path in ("/dev/site/", "/dev/site/generated/ideas/7/", "/dev/site/nowhere"):
        page = client.get(path)
        assert page.headers["Content-Security-Policy"] == policy, path
        assert page.headers["X-Frame-Options"] == "DENY", path
        assert "Access-Control-Allow-Origin" not in page.headers, path
