"""The `voicebox` command: demo, serve, publish, check, backup, restore, migrate, db upgrade,
user add, person export / erase / unsuppress, and the features' own commands (sales import,
token).

Every failure a person can cause (a wrong argument, a broken data file, a bad setting) ends in
one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import click

from .brand import BrandError, load_brand
from .config import ConfigError, load_config
from .store import Role, Store, StoreError, open_store
from .store.opening import upgrade_database

__all__ = ["main"]

DEMO_SEED_LOCK = "demo-seed"


class _Cli(click.Group):
    """Turns the errors people can cause into one-line messages."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (StoreError, ConfigError, OSError) as exc:
            raise click.ClickException(str(exc)) from exc


def _defaults() -> dict[str, Any]:
    try:
        return load_config(os.environ)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


@click.group(cls=_Cli)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Data folder (default: $VOICEBOX_DATA_DIR or ./data).",
)
@click.pass_context
def cli(ctx: click.Context, data_dir: Path | None) -> None:
    """Voicebox: collect your customers' voice, answer back, publish the proof."""
    from .demo import demo_brand

    settings = _defaults()
    if settings["DEMO"]:  # demo mode shows the demo business, wherever no variable says otherwise
        settings = demo_brand(settings, os.environ)
    settings["DATA_DIR"] = str((data_dir or Path(settings["DATA_DIR"])).resolve())
    ctx.obj = _addresses(settings, settings["HOST"], settings["PORT"])


def _addresses(settings: dict[str, Any], host: str, port: int) -> dict[str, Any]:
    """The settings for serving on host:port, with every address derived from it.

    Unless VOICEBOX_BASE_URL is set, the links Voicebox hands out (sign-in emails, the site's
    way back to the board) point at this address; unless VOICEBOX_SITE_URL is set, the
    published site's address is where `voicebox demo` serves it. A demo on another port then
    links to itself, not to a server on port 8000 that is not running, and `voicebox publish`
    builds the same site as the demo did.
    """
    from .address import public_host
    from .dev import SITE_PATH

    settings = {**settings, "HOST": host, "PORT": port}
    if "VOICEBOX_BASE_URL" not in os.environ:
        settings["BASE_URL"] = f"http://{public_host(host)}:{port}"
    if "VOICEBOX_SITE_URL" not in os.environ:
        settings["SITE_URL"] = settings["BASE_URL"].rstrip("/") + SITE_PATH
    return settings


def _listening(
    settings: dict[str, Any], host: str | None, port: int | None, demo: bool = False
) -> dict[str, Any]:
    """Settings for the host and port asked for on the command line (port 0: any free one)."""
    from .address import free_port

    host = host or settings["HOST"]
    port = settings["PORT"] if port is None else port
    demo = settings["DEMO"] or demo
    return _addresses({**settings, "DEMO": demo}, host, port or free_port(host))


def _store(ctx: click.Context) -> Store:
    """The store the settings name, closed when the command ends (its database connections
    are given back even when the command runs inside a longer-lived process)."""
    store = open_store(ctx.obj)
    ctx.call_on_close(store.close)
    return store


@contextmanager
def _progress(label: str) -> Iterator[Any]:
    """A `progress(done, total)` callback drawing a bar, which appears once the total is known
    (the store says how much work there is: the command need not know what it is made of)."""
    bar: Any = None
    with ExitStack() as stack:

        def advance(done: int, total: int) -> None:
            nonlocal bar
            if bar is None:
                bar = stack.enter_context(click.progressbar(length=total, label=label))
            bar.update(done - bar.pos)

        yield advance


def _serve_options(f: Any) -> Any:
    f = click.option(
        "--threads",
        type=click.IntRange(1, 64),
        default=None,
        help="Threads per worker (default: $VOICEBOX_THREADS or 4).",
    )(f)
    f = click.option(
        "--workers",
        type=click.IntRange(1, 64),
        default=None,
        help="Worker processes (default: $VOICEBOX_WORKERS or 2).",
    )(f)
    f = click.option(
        "--port",
        type=click.IntRange(0, 65535),
        default=None,
        help="Port (default: $VOICEBOX_PORT or 8000).",
    )(f)
    f = click.option(
        "--host", default=None, help="Address (default: $VOICEBOX_HOST or 127.0.0.1)."
    )(f)
    return f


@cli.command()
@_serve_options
@click.pass_context
def serve(
    ctx: click.Context, host: str | None, port: int | None, workers: int | None, threads: int | None
) -> None:
    """Serve the app with gunicorn (several processes, never Flask's development server)."""
    settings = _listening(ctx.obj, host, port)
    _say_where_the_data_is(settings)
    _run_server(settings, workers, threads)


def _say_where_the_data_is(settings: dict[str, Any]) -> None:
    """One line naming the data folder or the database (never its password). Opening the
    store also applies any pending schema migration once, before the workers start; data
    that cannot be reached is said here, and the app answers 503 until it can be."""
    try:
        store = open_store(settings)
    except StoreError as exc:
        click.echo(f"Warning: {exc}. The app answers 503 until the data can be read.", err=True)
        return
    try:
        click.echo(f"The data is in {store.location}.")
    finally:
        store.close()  # the workers open their own: nothing is shared across the fork


@cli.command()
@_serve_options
@click.option(
    "--reset", is_flag=True, help="Remove every record first (data folder or database)."
)
@click.option("--no-serve", is_flag=True, help="Only seed the demo data.")
@click.pass_context
def demo(
    ctx: click.Context,
    host: str | None,
    port: int | None,
    workers: int | None,
    threads: int | None,
    reset: bool,
    no_serve: bool,
) -> None:
    """Seed realistic demo data (if the folder has none) and serve it in demo mode."""
    from .demo import DEMO_STAFF, demo_brand
    from .dev import SITE_PATH

    settings = demo_brand(_listening(ctx.obj, host, port, demo=True), os.environ)
    store = _store(ctx)
    try:
        _seed_once(store, reset, settings)
        marketer = next(e for e, r in DEMO_STAFF.items() if r is Role.MARKETER)
        token = store.tokens.issue(marketer)
    finally:
        store.close()  # before serving: the workers open their own
    click.echo("Staff accounts: " + ", ".join(f"{e} ({r})" for e, r in DEMO_STAFF.items()))
    base = settings["BASE_URL"].rstrip("/")
    click.echo(f"Sign in as the marketer (works once, for 15 minutes; later, ask at {base}/signin "
               f"and open the link in {base}/dev/outbox): {base}/signin/{token}")  # fmt: skip
    _publish(settings)
    if no_serve:
        site = settings["BASE_URL"].rstrip("/") + SITE_PATH
        click.echo(f"`voicebox demo` serves the app, and the published site at {site}")
    else:
        _run_server(settings, workers, threads)  # it prints every address once it listens


@cli.command()
@click.option("--force", is_flag=True, help="Rebuild every page, even if none changed.")
@click.pass_context
def publish(ctx: click.Context, force: bool) -> None:
    """Generate the public site's pages from the data and build it with MkDocs."""
    _publish(ctx.obj, force)
    if "VOICEBOX_SITE_URL" in os.environ:
        click.echo(f"Put that folder on your web server at {ctx.obj['SITE_URL']}")
    else:
        click.echo(
            f"`voicebox demo` shows it at {ctx.obj['SITE_URL']}; to publish it for real, put "
            "the folder on a web server and set VOICEBOX_SITE_URL to that server's address."
        )


def _seed_once(store: Store, reset: bool, settings: dict[str, Any]) -> None:
    """Seed the demo data unless there is some. Under the store's lock, so that two hosts
    starting the demo on one database at once seed it once."""
    from .demo import seed_demo

    with store.lock(DEMO_SEED_LOCK):
        if reset:
            store.clear()
        store.check()
        if store.ideas.count() == 0:
            steps = ["people", "ideas", "votes", "comments", "sales", "testimonials"]
            with click.progressbar(length=len(steps), label="Seeding demo data") as bar:
                counts = seed_demo(store, lambda step: bar.update(1), settings)
            click.echo("Seeded: " + ", ".join(f"{n} {name}" for name, n in counts.items()))
            click.echo(f"The data is in {store.location}.")
        else:
            ideas = store.ideas.count()
            click.echo(f"Using the existing data in {store.location} ({ideas} ideas).")


def _publish(settings: dict[str, Any], force: bool = False) -> None:
    from generator.publish import BuildError
    from generator.publish import publish as run_publish

    project, site_dir = Path(settings["SITE_PROJECT"]), Path(settings["SITE_DIR"])
    if not (project / "mkdocs.yml").exists():
        raise click.ClickException(f"no mkdocs.yml in {project} (set VOICEBOX_SITE_PROJECT)")
    try:
        brand = load_brand(settings)
    except BrandError as exc:
        raise click.ClickException(str(exc)) from exc
    steps = ["collect", "render", "write", "build"]
    store = open_store(settings)
    try:
        with click.progressbar(length=len(steps), label="Publishing the site") as bar:
            result = run_publish(
                store, project, site_dir, settings["BASE_URL"],
                settings["SITE_URL"], settings["LOCALE"], force,
                progress=lambda step: bar.update(1), brand=brand,
            )  # fmt: skip
    except BuildError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        store.close()
    s = result.summary
    click.echo(
        f"Published {result.testimonials} testimonials and {result.ideas} ideas in action: "
        f"{len(s.added)} pages added, {len(s.changed)} changed, {len(s.removed)} removed, "
        f"{s.unchanged} unchanged; "
        + (
            f"built in {result.seconds:.1f} s."
            if result.built
            else "nothing changed, build skipped."
        )
    )
    click.echo(f"The site is in {site_dir.absolute()}")


@cli.command()
@click.pass_context
def check(ctx: click.Context) -> None:
    """Read all data; exit non-zero naming the first broken file or record."""
    store = _store(ctx)
    records = store.check()
    click.echo(f"All {records} records in {store.location} read correctly.")


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def backup(ctx: click.Context, file: Path) -> None:
    """Write a snapshot of all data, one consistent moment of it, to FILE (a zip that
    restores into either backend)."""
    store = _store(ctx)
    with _progress("Backing up") as progress:
        count = store.backup(file, progress)
    click.echo(f"Backed up {count} records from {store.location} to {file}.")


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the current data.")
@click.pass_context
def restore(ctx: click.Context, file: Path, yes: bool) -> None:
    """Replace all data with the snapshot in FILE, from either backend (checked completely
    first; nothing is replaced unless all of it is sound)."""
    store = _store(ctx)
    if not yes:
        click.confirm(f"Replace all data in {store.location} with {file}?", abort=True)
    with _progress("Restoring") as progress:
        count = store.restore(file, progress)
    click.echo(f"Restored {count} records from {file} into {store.location}.")


@cli.command()
@click.option(
    "--from",
    "source",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Data folder to copy (default: the --data-dir folder).",
)
@click.option(
    "--to",
    "target",
    metavar="URL",
    default=None,
    help="postgresql:// address of the database (default: $VOICEBOX_DATABASE_URL, which "
    "keeps a password out of the process list).",
)
@click.option("--yes", is_flag=True, help="Replace the records the database already holds.")
@click.pass_context
def migrate(ctx: click.Context, source: Path | None, target: str | None, yes: bool) -> None:
    """Copy a data folder into a PostgreSQL database, then verify every collection's count
    and checksum. Stop the app first. Run again after an interruption to finish the copy."""
    from .store.migrate import migrate as copy
    from .store.tinydb import open_folder

    url = target or ctx.obj.get("DATABASE_URL")
    if not url:
        raise click.UsageError("give --to postgresql://… or set VOICEBOX_DATABASE_URL")
    folder = open_folder((source or Path(ctx.obj["DATA_DIR"])).resolve())
    database = open_store({"DATABASE_URL": url})
    try:
        click.echo(f"Copying {folder.location} into {database.location}")
        run = copy(folder, database, yes, lambda name, n: click.echo(f"  {name}: {n} records"))
    finally:
        database.close()
    if run.resumed:
        click.echo("Finished the copy an earlier run had started.")
    wrong = [name for name, ok in run.matches.items() if not ok]
    if wrong:
        raise click.ClickException(
            f"the copy differs from {folder.location} in {', '.join(wrong)} (did the app "
            "write to the folder meanwhile?); stop the app and run again with --yes to copy "
            "it afresh"
        )
    total = sum(run.records.values())
    already = "was already copied: " if run.already_done else ""
    click.echo(
        f"Verified: {database.location} {already}holds all {total} records of "
        f"{folder.location}; every collection's count and checksum match."
    )
    click.echo("Set VOICEBOX_DATABASE_URL to this database and start Voicebox again.")


@cli.group()
def db() -> None:
    """The PostgreSQL database's schema."""


@db.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Apply the schema migrations the database lacks (also done on every start)."""
    upgraded = upgrade_database(ctx.obj)
    if upgraded is None:
        click.echo(
            f"No VOICEBOX_DATABASE_URL: the data folder {ctx.obj['DATA_DIR']} needs no "
            "upgrade command (it is upgraded whenever it is opened)."
        )
        return
    where, applied, version = upgraded
    done = f"applied {', '.join(map(str, applied))}" if applied else "nothing to apply"
    click.echo(f"The database {where} is at schema version {version} ({done}).")


@cli.group()
def user() -> None:
    """Manage people's accounts."""


@user.command("add")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.CUSTOMER.value,
    show_default=True,
)
@click.option("--name", default="", help="Display name.")
@click.pass_context
def user_add(ctx: click.Context, email: str, role: str, name: str) -> None:
    """Create a user, or change the role of an existing one, and print a sign-in link."""
    if "@" not in email or email.strip() != email or len(email) > 254:
        raise click.BadParameter(f"{email!r} is not an email address", param_hint="EMAIL")
    store = _store(ctx)
    person = store.users.add(email, Role(role), name)
    if person.role is not Role(role):
        person = store.users.set_role(person.id, Role(role))
    token = store.tokens.issue(person.email)
    base = ctx.obj["BASE_URL"].rstrip("/")
    click.echo(f"{person.email} is a {person.role.value} (user {person.id}).")
    click.echo(f"Sign-in link (works once, for 15 minutes): {base}/signin/{token}")


@cli.group()
def person() -> None:
    """Everything Voicebox knows about one email address: export it, erase it."""


def _address(email: str) -> str:
    if "@" not in email or len(email) > 254:
        raise click.BadParameter(f"{email!r} is not an email address", param_hint="EMAIL")
    return email


@person.command("export")
@click.argument("email")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the JSON to this file (mode 0600) instead of printing it.")  # fmt: skip
@click.pass_context
def person_export(ctx: click.Context, email: str, output: Path | None) -> None:
    """Print, as JSON, every record about EMAIL in every collection (one consistent moment)."""
    from .privacy import find_person
    from .store import utcnow

    dossier = find_person(_store(ctx), _address(email))
    text = dossier.export_text(utcnow())
    if output is None:
        click.echo(text)
        return
    output.touch(mode=0o600)
    output.write_text(text + "\n", encoding="utf-8")
    click.echo(f"Wrote {dossier.total} records about {dossier.email} to {output}.")


@person.command("erase")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask before erasing.")
@click.pass_context
def person_erase(ctx: click.Context, email: str, yes: bool) -> None:
    """Forget EMAIL: remove or anonymise every record about it (see the README for what
    happens to each kind), and say what was done."""
    from .privacy import erase_person
    from .store import utcnow

    store = _store(ctx)
    if not yes:
        click.confirm(f"Erase everything about {_address(email)} in {store.location}?",
                      abort=True)  # fmt: skip
    done = erase_person(store, _address(email), utcnow())
    if done.nothing:
        click.echo(f"Nothing about {done.email} is stored.")
        return
    for label, counts in (("Removed", done.removed), ("Anonymised", done.anonymised),
                          ("Kept, now under an account that names nobody", done.kept)):  # fmt: skip
        if counts:
            click.echo(f"{label}: " + ", ".join(f"{n} {name}" for name, n in counts.items()))
    if done.published_testimonials:
        click.echo(
            f"{done.published_testimonials} of the removed testimonials were on the published "
            "site: they leave it at the next publish (`voicebox publish`, or the automatic one)."
        )
    click.echo(f"{done.email} is erased. Backups made before now still hold it.")


@person.command("unsuppress")
@click.argument("email")
@click.pass_context
def person_unsuppress(ctx: click.Context, email: str) -> None:
    """Let mail go to EMAIL again after a permanent delivery failure suppressed it."""
    from .privacy import lift_suppression

    if lift_suppression(_store(ctx), _address(email)):
        click.echo(f"Mail may go to {email} again.")
    else:
        click.echo(f"{email} was not suppressed.")


def _add_feature_commands() -> None:
    """Commands that live with their feature."""
    from .sales.commands import sales_group, token_group

    cli.add_command(sales_group)
    cli.add_command(token_group)


_add_feature_commands()


def _run_server(settings: dict[str, Any], workers: int | None, threads: int | None) -> None:
    from .server import run

    run(settings, settings["HOST"], settings["PORT"], workers or settings["WORKERS"],
        threads or settings["THREADS"])  # fmt: skip


def main() -> None:
    cli(prog_name="voicebox")


if __name__ == "__main__":
    main()
