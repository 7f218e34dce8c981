"""axe-core on every page type of the app and of the published site, at a desktop's 1280 px
and a phone's 390 px: no serious or critical violation anywhere (issue 12).

Pages are found as a visitor finds them: the app's by following its links from the board,
the outbox's emails and the console's menu (one page of each kind: /ideas/3 stands for every
idea page), the site's by its tabs and links. The states a page only shows after an action —
an empty search, a form's errors, a thank-you page, the site's search dialog with results —
are reached by doing that action.

One store backend only: the markup comes from the same templates and generator whatever
stores the data (the store tests check both backends read back the same records), and the
app's 58 page states take about 50 s per width (the site's, 15 s): a second backend would
double that and check the same markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from feedback_app.app import create_app
from feedback_app.data import close_store
from feedback_app.demo import seed_demo
from feedback_app.ideas.service import unsubscribe_link
from feedback_app.store import Testimonial, TestimonialState, utcnow
from feedback_app.testimonials.links import confirm_url, edit_url
from generator.publish import publish
from tests.browser.axe import AxeAudit
from tests.browser.conftest import LiveServer, marketer_sign_in_link

pytestmark = pytest.mark.backends("tinydb")

WIDTHS = [pytest.param(1280, id="desktop"), pytest.param(390, id="phone")]

# Not pages: files, charts, actions, and the published site (checked by its own test).
NOT_PAGES = re.compile(r"\.(csv|svg|json|js|css|png|xml)$|^/(static|dev/site|signout)(/|$)")


def _kind(path: str) -> str:
    """/ideas/12 and /ideas/40 are one kind of page; so are two survey links with their
    tokens."""
    parts = [
        "<id>" if part.isdigit() else "<token>" if len(part) > 24 else part
        for part in path.split("/")
    ]
    return "/".join(parts)


class Crawl:
    """Visits each kind of page once, axe on each, following the app's own links."""

    def __init__(self, page: Page, audit: AxeAudit, origin: str) -> None:
        self.page, self.audit, self.origin = page, audit, origin
        self.seen: set[str] = set()

    def links(self, origin: str | None = None) -> list[str]:
        """The page's links to `origin` (the app's by default)."""
        hrefs = self.page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)")
        return [h for h in hrefs if h.startswith(origin or self.origin)]

    def visit(self, url: str, follow: bool = True) -> None:
        """Check `url` if its kind is new, then (if `follow`) the new kinds it links to,
        breadth first."""
        queue = [url]
        while queue:
            url = queue.pop(0).split("#")[0]
            address = urlsplit(url)
            kind = _kind(address.path)
            if kind in self.seen or NOT_PAGES.search(address.path):
                continue
            self.seen.add(kind)
            self.page.goto(url)
            self.audit.check(kind)
            if follow:
                queue += self.links()


@pytest.fixture
def published(live_server: LiveServer, site_project: Path) -> Iterator[LiveServer]:
    """The demo's data, its emails in the outbox and its site published at /dev/site/, with
    a tagged testimonial so that the site has a tag page."""
    seed_demo(live_server.store)
    live_server.store.testimonials.add(Testimonial(
        "Le cornetti sono sempre fresche.", 5, "Giulia Rossi", state=TestimonialState.APPROVED,
        email_confirmed_at=utcnow(), consented_at=utcnow(), consent_text="ok",
        consent_version="1", tags=[TAG],
    ))  # fmt: skip
    site = site_project / "site"
    publish(live_server.store, site_project, site, live_server.url, live_server.url + "/dev/site/")
    yield live_server


def _context_page(browser: Browser, width: int) -> Iterator[Page]:
    context = browser.new_context(locale="en-GB", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(params=WIDTHS)
def sized_page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    """A fresh tab as wide as a desktop's window or a phone's screen."""
    yield from _context_page(browser, request.param)


# Every kind of page the crawl must reach: a page left out would pass unseen.
EVERY_KIND = {
    "/", "/account", "/ideas", "/ideas/<id>", "/ideas/in-action", "/ideas/new", "/signin",
    "/signin/<token>", "/survey", "/survey/<token>", "/arrival/<token>", "/lost/<token>",
    "/stop/<token>", "/testimonials/new", "/testimonials/confirm/<token>",
    "/testimonials/withdraw/<token>", "/testimonials/edit/<token>", "/unsubscribe/<token>",
    "/dev/outbox",
    "/admin/", "/admin/audit", "/admin/emails/", "/admin/exports", "/admin/followups",
    "/admin/followups/<id>", "/admin/ideas", "/admin/ideas/replies", "/admin/ideas/replies/<id>",
    "/admin/publishing", "/admin/sales/", "/admin/staff/", "/admin/staff/erase",
    "/admin/staff/export", "/admin/staff/tokens", "/admin/testimonials",
    "/admin/testimonials/<id>", "/admin/staff/invite", "/admin/sales/import",
    "/admin/sales/link",
}  # fmt: skip
# The emailed pages that ask for a button press, and that button: the page after it is
# checked too.
DONE_BY_BUTTON = {
    "/testimonials/confirm/": "Confirm my email address",
    "/testimonials/withdraw/": "Withdraw my testimonial",
    "/stop/": "Stop these emails",
}
TAG = "Cornetti"
DEMO_ORIGIN = "http://127.0.0.1:8000/"  # where the demo's emails say the app is


def _on_this_server(url: str, server: LiveServer) -> str:
    """The demo's emails were written for the default address; the same path on this test's
    server (its links are signed with the same data's key)."""
    address = urlsplit(url)
    return server.url + address.path + (f"?{address.query}" if address.query else "")


def _links_no_demo_email_holds(server: LiveServer) -> list[str]:
    """Made as the app makes them: the link that stops emails about an idea one follows, the
    one asking a customer to approve the staff's edit of their testimonial, and the one
    confirming a testimonial's address for one still waiting for it (the demo's customers
    have confirmed theirs by the time of day the demo replays them to, so its emails may
    hold none still waiting)."""
    store = server.store
    idea = store.ideas.all()[0]
    tagged = next(t for t in store.testimonials.all() if TAG in t.tags)
    waiting = next(t for t in store.testimonials.all() if t.state is TestimonialState.PENDING)
    store.testimonials.update(waiting.id, lambda t: setattr(t, "email_confirmed_at", None))
    app = create_app({**server.backend.settings, "BASE_URL": server.url,
                      "MAIL_IN_BACKGROUND": False})  # fmt: skip
    with app.test_request_context():
        links = [unsubscribe_link(idea.author_id, idea.id), edit_url(tagged),
                 confirm_url(store.testimonials.get(waiting.id))]  # fmt: skip
    close_store(app)
    return links


def _form_and_its_errors(page: Page, audit: AxeAudit, url: str, button: str) -> None:
    """The form at `url` as it opens, and as it comes back when sent empty: with its error
    summary and each field's message."""
    page.goto(url)
    audit.check(urlsplit(url).path)
    page.get_by_role("button", name=button).click()
    expect(page.locator("[aria-invalid=true]").first).to_be_attached()
    audit.check(f"{urlsplit(url).path}, with its errors")


def test_every_app_page_has_no_serious_violation(published: LiveServer, sized_page: Page) -> None:
    server, page = published, sized_page
    audit = AxeAudit(page)
    crawl = Crawl(page, audit, server.url)

    # Signed out: the board, and what customers reach from their emails.
    crawl.visit(server.url + "/")
    page.goto(server.url + "/ideas?q=no+such+idea+zzz")
    expect(page.get_by_text("No ideas match")).to_be_visible()
    audit.check("/ideas, an empty search")
    page.goto(server.url + "/dev/outbox")
    emailed = [_on_this_server(link, server) for link in crawl.links(DEMO_ORIGIN)]
    for link in emailed:
        crawl.visit(link, follow=False)
    made = _links_no_demo_email_holds(server)
    for link in made:
        crawl.visit(link, follow=False)
    for path, button in DONE_BY_BUTTON.items():
        page.goto(next(link for link in [*made, *emailed] if path in link))
        page.get_by_role("button", name=button).click()
        audit.check(f"{path}, done")
    for broken in ("/survey/expired", "/testimonials/confirm/expired", "/stop/expired"):
        page.goto(server.url + broken)
        audit.check(f"{broken}: a link that no longer works")
    page.goto(server.url + "/survey")
    page.get_by_role("radio", name="9", exact=True).check()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    audit.check("/survey/thanks")
    _form_and_its_errors(page, audit, server.url + "/testimonials/new", "Send my testimonial")
    _form_and_its_errors(page, audit, server.url + "/signin", "Email me a sign-in link")

    # A customer: the new-idea form, its error, and a page staff only may see.
    page.goto(marketer_sign_in_link(server, "olena.kovalenko@example.com", "customer"))
    crawl.visit(page.url, follow=False)
    page.get_by_role("button", name="Sign in").click()
    _form_and_its_errors(page, audit, server.url + "/ideas/new", "Post my idea")
    page.goto(server.url + "/ideas/new")
    page.locator("#title").press_sequentially("Oat milk")
    expect(page.locator("#similar")).to_be_visible()
    audit.check("/ideas/new, with similar ideas offered")
    page.locator("#title").fill("Oat milk at no extra charge")
    page.locator("#description").fill("Плата за рослинне молоко — 50 центів.")
    page.locator("#category").select_option(index=1)
    page.get_by_role("button", name="Post my idea").click()
    expect(page.get_by_role("link", name="Oat milk at no extra charge").first).to_be_visible()
    audit.check("/ideas/new, asking whether a similar idea is the same")
    response = page.goto(server.url + "/admin/")
    assert response is not None and response.status == 403
    audit.check("403")
    page.goto(server.url + "/no-such-page")
    audit.check("404")

    # An admin: every page of the console, and the idea page with its staff panel.
    page.context.clear_cookies()
    page.goto(marketer_sign_in_link(server, "a11y@example.com", "admin"))
    page.get_by_role("button", name="Sign in").click()
    crawl.seen -= {"/ideas/<id>", "/account"}
    crawl.visit(server.url + "/admin/")
    page.goto(server.url + "/ideas")
    page.locator("main h3 a").first.click()
    expect(page.get_by_role("region", name="Answer as staff")).to_be_visible()
    audit.check("an idea's page, with its staff panel")
    for form in ("/admin/staff/invite", "/admin/sales/import", "/admin/sales/link"):
        crawl.visit(server.url + form, follow=False)
    audit.assert_clean()
    assert crawl.seen >= EVERY_KIND, f"not reached: {sorted(EVERY_KIND - crawl.seen)}"


def _open_section(page: Page, name: str, audit: AxeAudit) -> None:
    """Follow the site's tab called `name`; on a phone, where the tabs are folded into the
    menu, open the menu (checking it too) and follow its link."""
    tab = page.get_by_role("navigation", name="Tabs").get_by_role("link", name=name, exact=True)
    if tab.is_visible():
        tab.click()
        return
    page.get_by_role("button", name="Navigation").or_(
        page.locator("label.md-header__button[for=__drawer]")
    ).first.click()
    menu = page.get_by_role("navigation", name="Navigation")
    link = menu.get_by_role("link", name=name, exact=True)
    expect(link).to_be_visible()
    audit.check("the menu, open")
    link.click()


def test_every_site_page_has_no_serious_violation(published: LiveServer, sized_page: Page) -> None:
    page = sized_page
    audit = AxeAudit(page)
    site = published.url + "/dev/site/"

    page.goto(site)
    audit.check("the site's home page")
    _open_section(page, "Testimonials", audit)
    expect(page.get_by_text("Le cornetti sono sempre fresche.")).to_be_visible()
    audit.check("the testimonials")
    page.get_by_role("link", name=f"#{TAG}").first.click()
    expect(page.get_by_role("heading", name=re.compile(TAG)).first).to_be_visible()
    audit.check("a tag's page")
    _open_section(page, "Ideas in Action", audit)
    audit.check("Ideas in Action")
    page.locator("article").get_by_role("link", name="Oat milk at no extra charge").click()
    expect(page.get_by_role("heading", name="Oat milk at no extra charge")).to_be_visible()
    audit.check("an idea's page")

    opener = page.locator("label.md-header__button[for=__search]")
    if opener.is_visible():  # on a phone, the search field opens from the header's button
        opener.click()
    search = page.get_by_role("textbox", name="Search")
    search.click()
    page.keyboard.type("cornetti")  # Material searches as keys are typed
    result = page.locator(".md-search-result__item").filter(has_text="cornetti")
    expect(result.first).to_be_visible(timeout=15_000)
    audit.check("the search dialog, with results")

    response = page.goto(site + "no-such-page/")
    assert response is not None and response.status == 404
    audit.check("the site's 404 page")
    audit.assert_clean()
