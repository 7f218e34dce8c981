"""`voicebox sales import` and `voicebox token create|list|revoke`.

The scheduled emails need no running app here: the import records jobs, and every app
process's mailer picks them up when they come due.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..store import Store, open_store, utcnow
from .csv_import import import_sales
from .tokens import TokenNotFound, create_token, revoke_token

__all__ = ["sales_group", "token_group"]


def _store(ctx: click.Context) -> Store:
    store = open_store(ctx.obj)
    ctx.call_on_close(store.close)
    return store


@click.group("sales")
def sales_group() -> None:
    """Sales, the start of the follow-up emails."""


@sales_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def import_command(ctx: click.Context, file: Path) -> None:
    """Import sales from a UTF-8 CSV FILE whose first line names the columns: email,
    order_ref and date (2025-03-31, or 2025-03-31T14:30), and optionally name, language,
    touchpoint and outcome (won or lost). All rows or none: any rejected row is reported
    with its line and nothing is imported. Importing a file again stores nothing twice."""
    store = _store(ctx)
    report = import_sales(store, file.read_bytes(), ctx.obj, utcnow())
    for rejected in report.rejected:
        click.echo(f"{file.name}, line {rejected.line}: {rejected.reason}", err=True)
    if report.rejected and not (report.created or report.existing):
        raise click.ClickException(
            f"nothing was imported: {len(report.rejected)} rows were rejected. Fix them and "
            "import the file again."
        )
    click.echo(
        f"Imported {report.created} new sales ({report.existing} were already recorded); "
        f"{report.jobs} follow-up emails scheduled."
    )
    if report.rejected:
        raise click.ClickException("the rows above were recorded by someone else meanwhile")


@click.group("token")
def token_group() -> None:
    """API tokens for shop systems reporting sales to POST /api/sales."""


@token_group.command("create")
@click.argument("name")
@click.pass_context
def token_create(ctx: click.Context, name: str) -> None:
    """Create a token for the integration NAME and print it (shown this once only)."""
    if not name.strip():
        raise click.BadParameter("give the integration a name", param_hint="NAME")
    token, secret = create_token(_store(ctx), name.strip())
    click.echo(f"Token {token.id} for {token.name!r} (keep it secret; it is not shown again):")
    click.echo(secret)
    click.echo(f"Use it as: Authorization: Bearer {token.prefix}…")


@token_group.command("list")
@click.pass_context
def token_list(ctx: click.Context) -> None:
    """List tokens: id, name, start of the secret, created, last used, revoked."""
    tokens = sorted(_store(ctx).api_tokens.all(), key=lambda t: t.id)
    if not tokens:
        click.echo("No API tokens yet: voicebox token create NAME")
    for t in tokens:
        used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
        state = f"revoked {t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "active"
        click.echo(f"{t.id}\t{t.name}\t{t.prefix}…\tcreated {t.created_at:%Y-%m-%d}\t"
                   f"last used {used}\t{state}")  # fmt: skip


@token_group.command("revoke")
@click.argument("which")
@click.pass_context
def token_revoke(ctx: click.Context, which: str) -> None:
    """Revoke the token with id WHICH (or the one active token named WHICH): calls with it
    are refused from now on."""
    try:
        token = revoke_token(_store(ctx), which, utcnow())
    except TokenNotFound:
        raise click.ClickException(
            f"no active token has the id or the unique name {which!r} (see voicebox token list)"
        ) from None
    click.echo(f"Revoked token {token.id} ({token.name}).")
