"""Settings: safe defaults that run on a laptop, each overridable by a VOICEBOX_* variable.

`SETTINGS` is the single list of every setting; the README's table is written from it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["SETTINGS", "ConfigError", "Setting", "load_config"]


class ConfigError(ValueError):
    """A VOICEBOX_* variable holds a value that cannot be used."""


def _bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError("expected true or false")


def _positive_int(raw: str) -> int:
    value = int(raw)
    if value < 1:
        raise ValueError("expected a positive whole number")
    return value


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    parse: Callable[[str], Any]
    help: str

    @property
    def env(self) -> str:
        return f"VOICEBOX_{self.name}"


SETTINGS: tuple[Setting, ...] = (
    Setting("DATA_DIR", "data", str, "Folder holding all data, the secret key and the outbox."),
    Setting("SECRET_KEY", "", str, "Session signing key; generated into the data folder if unset."),
    Setting("SITE_NAME", "Voicebox", str, "Name shown in the header and in emails."),
    Setting("BASE_URL", "http://127.0.0.1:8000", str, "Public address, used in emailed links."),
    Setting("DEMO", False, _bool, "Demo mode: shows the demo banner and the /dev/outbox page."),
    Setting("LOCALE", "en", str, "Default language for dates, numbers and text."),
    Setting("TIMEZONE", "UTC", str, "Time zone for dates shown to people."),
    Setting("MAX_UPLOAD_KB", 256, _positive_int, "Largest request body accepted, in KiB."),
    Setting("HOST", "127.0.0.1", str, "Address `voicebox serve` listens on."),
    Setting("PORT", 8000, _positive_int, "Port `voicebox serve` listens on."),
    Setting("WORKERS", 2, _positive_int, "Worker processes of `voicebox serve`."),
    Setting("THREADS", 4, _positive_int, "Threads per worker process."),
)


def load_config(environ: Mapping[str, str]) -> dict[str, Any]:
    """Every setting, from `environ` where present, else its default."""
    config: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = environ.get(setting.env)
        if raw is None:
            config[setting.name] = setting.default
            continue
        try:
            config[setting.name] = setting.parse(raw)
        except ValueError as exc:
            raise ConfigError(f"{setting.env}={raw!r}: {exc}") from exc
    return config
