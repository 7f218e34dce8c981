"""Realistic demo data: a coffee roaster's customers, writing in six languages.

Seeded from a fixed random seed, so every fresh demo looks the same. Everything goes through
the store's public functions, like any other writer; the follow-up loop goes through its own
services (demo_loop.py).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from .demo_loop import replay_sales
from .mail import MAX_ATTEMPTS
from .sales.tokens import create_token
from .store import (
    Comment,
    Idea,
    IdeaStatus,
    MessageState,
    Outcome,
    Role,
    Stance,
    StatusChange,
    Store,
    Testimonial,
    TestimonialState,
    Vote,
    utcnow,
)
from .store.models import ResponseTemplate

__all__ = ["CATEGORIES", "DEMO_BRAND", "DEMO_STAFF", "demo_brand", "seed_demo"]

# The demo business, so the demo shows a board and a site that are a business's, not ours.
DEMO_BRAND = {
    "SITE_NAME": "Brewline Coffee",
    "LOGO": str(Path(__file__).parent / "static" / "demo" / "brewline.svg"),
    "BRAND_COLOR": "#6f4e37",
}

CATEGORIES = ("Drinks", "Food", "App & ordering", "Stores", "Rewards", "Sustainability")
DEMO_STAFF = {"admin@voicebox.example": Role.ADMIN, "marketer@voicebox.example": Role.MARKETER}
STAFF_NAMES = {
    "admin@voicebox.example": "Ada (Brewline)",
    "marketer@voicebox.example": "Marta (Brewline)",
}

CUSTOMERS = [
    ("olena.kovalenko@example.com", "Олена Коваленко"),
    ("taras.shevchuk@example.com", "Тарас Шевчук"),
    ("irina.smirnova@example.com", "Ирина Смирнова"),
    ("dmitry.volkov@example.com", "Дмитрий Волков"),
    ("maria.santos@example.com", "Maria Santos"),
    ("jose.reyes@example.com", "Jose Reyes"),
    ("giulia.rossi@example.com", "Giulia Rossi"),
    ("marco.bianchi@example.com", "Marco Bianchi"),
    ("li.wei@example.com", "李伟"),
    ("wang.fang@example.com", "王芳"),
    ("sam.taylor@example.com", "Sam Taylor"),
    ("priya.nair@example.com", "Priya Nair"),
    ("alex.morgan@example.com", "Alex Morgan"),
    ("jordan.lee@example.com", "Jordan Lee"),
    ("emma.schulz@example.com", "Emma Schulz"),
    ("noah.kim@example.com", "Noah Kim"),
]

# (title, description, category, tags, status, what changed)
IDEAS: list[tuple[str, str, str, list[str], IdeaStatus, str]] = [
    (
        "Oat milk at no extra charge",
        "Plant milks cost **50 cents** more. Many of us cannot drink dairy: please make oat milk "
        "the same price.",
        "Drinks",
        ["milk", "price"],
        IdeaStatus.IMPLEMENTED,
        "Oat, soy and almond milk now cost the same as dairy in every store.",
    ),
    (
        "Bring-your-own-cup discount",
        "Give 10% off when I bring my own cup. Less waste, happier customers.",
        "Sustainability",
        ["cups", "waste"],
        IdeaStatus.IMPLEMENTED,
        "Bring any clean cup and get 10% off your drink.",
    ),
    (
        "Order ahead from the app and skip the line",
        "Let me pay in the app and pick up at the counter.",
        "App & ordering",
        ["app"],
        IdeaStatus.IN_PROGRESS,
        "",
    ),
    (
        "Більше безлактозних десертів",
        "Було б чудово мати хоча б два-три десерти без лактози. Зараз вибір дуже малий.",
        "Food",
        ["десерти", "lactose"],
        IdeaStatus.PLANNED,
        "",
    ),
    (
        "Сезонний напій з медом і чебрецем",
        "Взимку хочеться чогось теплого: чай або лате з медом і чебрецем, як удома.",
        "Drinks",
        ["сезон"],
        IdeaStatus.UNDER_REVIEW,
        "",
    ),
    (
        "Розетки біля кожного столика",
        "Я часто працюю у вашій кав'ярні, але розеток мало. Додайте їх біля столів.",
        "Stores",
        ["розетки"],
        IdeaStatus.PARTIALLY_IMPLEMENTED,
        "Розетки й USB-порти встановлено в 12 із 20 кав'ярень; решта — навесні.",
    ),
    (
        "Сделайте карту лояльности в приложении",
        "Бумажные карточки теряются. Пусть штампы копятся прямо в приложении.",
        "Rewards",
        ["приложение"],
        IdeaStatus.IMPLEMENTED,
        "Штампы теперь копятся в приложении; старые бумажные карты можно перенести.",
    ),
    (
        "Тихий зал для работы",
        "Отдельная зона без музыки, где можно спокойно работать с ноутбуком.",
        "Stores",
        ["тишина"],
        IdeaStatus.NEW,
        "",
    ),
    (
        "Mas maraming upuan sa labas",
        "Gusto namin ng mas maraming mesa sa labas lalo na kapag maganda ang panahon.",
        "Stores",
        ["upuan"],
        IdeaStatus.NOT_PLANNED,
        "",
    ),
    (
        "Ube latte bilang regular na inumin",
        "Ang ube latte ay paborito ng marami. Gawin na itong permanente sa menu!",
        "Drinks",
        ["ube"],
        IdeaStatus.PLANNED,
        "",
    ),
    (
        "Cornetti vegani al mattino",
        "Sarebbe bello trovare cornetti vegani freschi ogni mattina, non solo nel weekend.",
        "Food",
        ["colazione", "vegano"],
        IdeaStatus.IMPLEMENTED,
        "Cornetti vegani freschi ogni mattina in tutti i negozi, dalle 7:00.",
    ),
    (
        "Caffè decaffeinato anche per l'espresso doppio",
        "Il decaffeinato c'è solo per il singolo. Per favore, anche per il doppio.",
        "Drinks",
        ["decaf"],
        IdeaStatus.NEW,
        "",
    ),
    (
        "增加无糖饮品选项",
        "希望菜单上有更多无糖或低糖的饮品，比如无糖燕麦拿铁。",
        "Drinks",
        ["无糖"],
        IdeaStatus.UNDER_REVIEW,
        "",
    ),
    (
        "支持支付宝和微信支付",
        "很多游客习惯用支付宝或微信支付，希望门店可以支持。",
        "App & ordering",
        ["支付"],
        IdeaStatus.NEW,
        "",
    ),
    (
        "Recycle coffee grounds for gardeners",
        "Bag the used grounds and give them away to customers who garden.",
        "Sustainability",
        ["compost"],
        IdeaStatus.IMPLEMENTED,
        "Free bags of used grounds by the door, every afternoon.",
    ),
    (
        "Birthday reward: a free pastry",
        "A small gift on my birthday would make me feel remembered.",
        "Rewards",
        ["birthday"],
        IdeaStatus.NEW,
        "",
    ),
    (
        "Show calories and allergens in the app",
        "I need to check allergens before ordering. Please list them for every item.",
        "App & ordering",
        ["allergens"],
        IdeaStatus.IN_PROGRESS,
        "",
    ),
    (
        "Open at 6 am on weekdays",
        "Commuters need coffee before 7. Open an hour earlier near stations.",
        "Stores",
        ["hours"],
        IdeaStatus.UNDER_REVIEW,
        "",
    ),
    (
        "Add a dark roast decaf bean for home brewing",
        "Sell the decaf beans in a dark roast for those who brew at home.",
        "Drinks",
        ["beans", "decaf"],
        IdeaStatus.NEW,
        "",
    ),
    (
        "Reusable cup deposit scheme",
        "Pay a deposit for a reusable cup, return it at any store.",
        "Sustainability",
        ["cups"],
        IdeaStatus.PLANNED,
        "",
    ),
    (
        "Make the menu boards bigger",
        "The menu is hard to read from the queue, especially the prices. Bigger text please.",
        "Stores",
        ["menu"],
        IdeaStatus.NEW,
        "",
    ),
    (
        "Double stars on rainy days",
        "Cheer us up when it rains: double reward stars.",
        "Rewards",
        ["stars"],
        IdeaStatus.NOT_PLANNED,
        "",
    ),
]

PRO = [
    "Yes, please!",
    "Так, підтримую!",
    "Полностью за.",
    "Sang-ayon ako!",
    "Ottima idea!",
    "非常同意！",
    "This would make my mornings.",
]
CON = [
    "It might make drinks more expensive for everyone.",
    "Боюся, буде довша черга.",
    "Это усложнит меню.",
    "Baka mahal ito.",
    "Non sono convinto.",
    "可能会增加成本。",
]
NEUTRAL = [
    "How would this work at small stores?",
    "Цікаво, а як щодо доставки?",
    "Есть ли это в других странах?",
    "Paano ito sa mga maliliit na tindahan?",
]

TESTIMONIALS: list[tuple[str, int, str, str, str, str, TestimonialState, bool]] = [
    # (text, rating, credit name, role, company, connection, state, featured)
    (
        "The oat latte is perfect and now it costs the same as any other. I come every day.",
        5,
        "Sam Taylor",
        "Designer",
        "Northwind Studio",
        "",
        TestimonialState.APPROVED,
        True,
    ),
    (
        "Найкраща кава в місті, і персонал завжди пам'ятає моє замовлення.",
        5,
        "Олена К.",
        "",
        "",
        "",
        TestimonialState.APPROVED,
        True,
    ),
    (
        "Отличный кофе и быстрые ответы на отзывы. Мою идею про карту лояльности реализовали!",
        5,
        "Ирина",
        "Бухгалтер",
        "",
        "",
        TestimonialState.APPROVED,
        True,
    ),
    (
        "Ang sarap ng kape at mabait ang mga barista. Babalik ako palagi!",
        4,
        "Maria Santos",
        "Nurse",
        "",
        "",
        TestimonialState.APPROVED,
        False,
    ),
    (
        "Finalmente cornetti vegani ogni mattina: la colazione perfetta prima del lavoro.",
        5,
        "Giulia Rossi",
        "Architetta",
        "Studio Rossi",
        "",
        TestimonialState.APPROVED,
        False,
    ),
    (
        "咖啡很好喝，店员也很友好。希望以后能有更多无糖饮品。",
        4,
        "李伟",
        "",
        "",
        "",
        TestimonialState.APPROVED,
        False,
    ),
    (
        "I love the bring-your-own-cup discount. Small change, big difference.",
        5,
        "Jordan Lee",
        "Barista trainer",
        "",
        "Employee of the company",
        TestimonialState.APPROVED,
        False,
    ),
    (
        "Got a free drink for writing this, but honestly the cold brew is the best around.",
        4,
        "Alex Morgan",
        "",
        "",
        "Received a free drink for this review",
        TestimonialState.APPROVED,
        False,
    ),
    (
        "I changed my mind about being quoted.",
        5,
        "Emma Schulz",
        "",
        "",
        "",
        TestimonialState.WITHDRAWN,
        False,
    ),
]

CONSENT_TEXT = (
    "I agree that Brewline may publish my words, my rating and the credit I chose on its "
    "website. I can withdraw this consent at any time."
)
CONSENT_VERSION = "2026-01"

Progress = Callable[[str], None]


def _silent(step: str) -> None:
    """Default progress callback: report nothing."""


# The steps an idea took to reach its status, oldest first (each an allowed transition).
_S = IdeaStatus
_STEPS: dict[IdeaStatus, tuple[IdeaStatus, ...]] = {
    _S.NEW: (),
    _S.UNDER_REVIEW: (_S.UNDER_REVIEW,),
    _S.PLANNED: (_S.UNDER_REVIEW, _S.PLANNED),
    _S.IN_PROGRESS: (_S.UNDER_REVIEW, _S.PLANNED, _S.IN_PROGRESS),
    _S.IMPLEMENTED: (_S.UNDER_REVIEW, _S.PLANNED, _S.IMPLEMENTED),
    _S.PARTIALLY_IMPLEMENTED: (_S.UNDER_REVIEW, _S.IN_PROGRESS, _S.PARTIALLY_IMPLEMENTED),
    _S.NOT_PLANNED: (_S.UNDER_REVIEW, _S.NOT_PLANNED),
}


def _moments(rng: random.Random, start: datetime, end: datetime, count: int) -> list[datetime]:
    """`count` ordered moments strictly between `start` and `end`: a believable timeline."""
    span = (end - start).total_seconds()
    return sorted(start + timedelta(seconds=rng.uniform(0.05, 0.95) * span) for _ in range(count))


def demo_brand(settings: Mapping[str, Any], environ: Mapping[str, str]) -> dict[str, Any]:
    """`settings` with the demo business's brand wherever no VOICEBOX_* variable sets one."""
    return {**settings, **{name: value for name, value in DEMO_BRAND.items()
                           if f"VOICEBOX_{name}" not in environ}}  # fmt: skip


def seed_demo(
    store: Store, progress: Progress = _silent, settings: Mapping[str, Any] | None = None
) -> dict[str, int]:
    """Fill an empty store with the demo; return how many of each record it made.

    Every date is in the past and follows from the one before: an idea is posted, then
    answered step by step, voted on and discussed. Ideas are written with their history, as
    an import would, so each status change keeps its own date instead of the seeding time.
    The published testimonials are written likewise; the follow-up loop (sales, emails,
    answers, follow-ups, testimonials waiting for a decision) is replayed through its
    services (see demo_loop.py), in an app made from `settings`.
    """
    rng = random.Random(2026)
    now = utcnow()
    progress("people")
    staff = {
        email: store.users.add(email, role, STAFF_NAMES[email]).id
        for email, role in DEMO_STAFF.items()
    }
    marketer = staff["marketer@voicebox.example"]
    customers = [store.users.add(email, Role.CUSTOMER, name).id for email, name in CUSTOMERS]

    progress("ideas")
    ideas: list[Idea] = []
    for n, (title, text, category, tags, status, note) in enumerate(IDEAS):
        steps = _STEPS[status]
        age = timedelta(days=rng.randint(20, 120) if steps else rng.randint(1, 60),
                        hours=rng.randint(0, 23))  # fmt: skip
        idea = Idea(title, text, category, customers[n % len(customers)], tags=list(tags),
                    status=status, created_at=now - age)  # fmt: skip
        times = _moments(rng, idea.created_at, now, len(steps))
        idea.history = [
            StatusChange(step, _response_for(step), marketer, at=at)
            for step, at in zip(steps, times, strict=True)
        ]
        if status.is_done:
            idea.changed_note, idea.changed_on = note, times[-1].date()
        ideas.append(store.ideas.add(idea))

    _seed_replies(store, marketer)

    progress("votes")
    votes = [
        Vote(
            idea.id,
            user,
            1 if rng.random() < 0.8 else -1,
            _moments(rng, idea.created_at, now, 1)[0],
        )
        for idea in ideas
        for user in rng.sample(customers, rng.randint(1, len(customers)))
    ]
    store.votes.cast_many(votes)

    progress("comments")
    comments = []
    for idea in ideas:
        for at in _moments(rng, idea.created_at, now, rng.randint(0, 5)):
            stance = rng.choice(list(Stance))
            words = {Stance.PRO: PRO, Stance.CON: CON, Stance.NEUTRAL: NEUTRAL}[stance]
            comment = Comment(idea.id, rng.choice(customers), rng.choice(words), stance)
            comment.created_at = at
            comments.append(comment)
    store.comments.add_many(comments)

    progress("sales")
    replay_sales(store, CUSTOMERS, marketer, settings, now)

    _failed_email(store, now)

    progress("testimonials")
    for n, (text, rating, name, role, company, link, state, featured) in enumerate(TESTIMONIALS):
        consented = now - timedelta(days=30 - n)
        store.testimonials.add(
            Testimonial(
                user_id=customers[n % len(customers)],
                email=CUSTOMERS[n % len(CUSTOMERS)][0],
                email_confirmed_at=consented,
                original_text=text,
                rating=rating,
                credit_name=name,
                credit_role=role,
                credit_company=company,
                consent_text=CONSENT_TEXT,
                consent_version=CONSENT_VERSION,
                consented_at=consented,
                connection=link,
                featured=featured,
                state=state,
                created_at=consented,
                decided_at=now - timedelta(days=20 - n),
                decided_by=marketer,
                withdrawn_at=now - timedelta(days=2)
                if state is TestimonialState.WITHDRAWN
                else None,
            )
        )
    _shop_token(store, staff)
    return {
        "users": store.users.count(),
        "ideas": store.ideas.count(),
        "votes": store.votes.count(),
        "comments": store.comments.count(),
        "sales": store.sales.count(),
        "emails": len(store.messages.all()),
        "surveys": store.surveys.count(),
        "testimonials": store.testimonials.count(),
        "followups": store.followups.count(),
    }


def _shop_token(store: Store, staff: dict[str, int]) -> None:
    """The API token the demo's shop would report its sales with, so the console's token page
    has one to revoke (its secret is thrown away: the demo's sales come in through the CSV
    road)."""
    create_token(store, "Online shop (demo)", created_by=staff["admin@voicebox.example"])


def _failed_email(store: Store, now: datetime) -> None:
    """A thank-you whose mail server kept hanging up until the mailer gave up on it: the
    console's emails page has one to show and to send again."""
    thanks = next((m for m in store.messages.all() if m.state is MessageState.QUEUED
                   and "Thank you for your order" in m.subject), None)  # fmt: skip
    if thanks is None:
        return
    error = "SMTPServerDisconnected: Connection unexpectedly closed"
    for attempt in range(1, MAX_ATTEMPTS + 1):
        retry = now + timedelta(hours=attempt) if attempt < MAX_ATTEMPTS else None
        store.messages.settle({thanks.id: Outcome(error=error, retry_at=retry)},
                              now - timedelta(hours=MAX_ATTEMPTS - attempt))  # fmt: skip


# Saved responses, so the console's answer form offers some from the start.
REPLIES = (
    ("Looking into it", IdeaStatus.UNDER_REVIEW,
     "Thank you! Our team is looking into this and will say what we decide here."),
    ("Next season", IdeaStatus.PLANNED,
     "Good news: this is planned for next season. We will write again when it ships."),
    ("Not for now", IdeaStatus.NOT_PLANNED,
     "We looked at this carefully and cannot do it for now: thank you for asking."),
    ("Shipped, thanks", IdeaStatus.IMPLEMENTED,
     "Done! Thank you to everyone who voted for this. Дякуємо! Grazie!"),
)  # fmt: skip


def _seed_replies(store: Store, marketer: int) -> None:
    for name, status, body in REPLIES:
        store.replies.add(ResponseTemplate(name, status, body, created_by=marketer))


def _response_for(status: IdeaStatus) -> str:
    return {
        IdeaStatus.UNDER_REVIEW: "Thanks! Our product team is looking into this.",
        IdeaStatus.PLANNED: "Good news: this is on our plan for next quarter.",
        IdeaStatus.IN_PROGRESS: "We are building this now and will tell you when it ships.",
        IdeaStatus.IMPLEMENTED: "Done! Thank you to everyone who voted for this.",
        IdeaStatus.PARTIALLY_IMPLEMENTED: "Part of this is live; the rest follows.",
        IdeaStatus.NOT_PLANNED: "We looked at this carefully and cannot do it for now.",
    }.get(status, "")
