"""Settings, read once from the environment."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATA_DIR = Path("var")


class ConfigurationError(RuntimeError):
    """The environment does not describe a server that may start."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    environment: str
    public_url: str | None
    user_token_seconds: int = 12 * 3600
    member_token_seconds: int = 120 * 24 * 3600
    max_body_bytes: int = 64 * 1024
    receipts_dir: Path = DEFAULT_DATA_DIR / "receipts"  # receipts, under random names
    receipt_max_bytes: int = 10 * 1024 * 1024


def _development_secret(data_dir: Path) -> str:
    """A secret generated once per checkout, so tokens survive a restart in development."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    path.write_text(secret)
    path.chmod(0o600)
    return secret


def load_settings(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    environment = env.get("PULJEN_ENV", "development")
    data_dir = Path(env.get("PULJEN_DATA_DIR", str(DEFAULT_DATA_DIR)))
    secret_key = env.get("SECRET_KEY", "")
    if not secret_key:
        if environment == "production":
            raise ConfigurationError(
                "SECRET_KEY is not set. In production Puljen refuses to start without one: "
                "set SECRET_KEY to a long random string (e.g. `python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))'`)."
            )
        secret_key = _development_secret(data_dir)
    elif environment == "production" and len(secret_key) < 32:
        raise ConfigurationError("SECRET_KEY is too short for production: use 32+ characters.")
    database_url = env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'puljen.db'}"
    return Settings(
        database_url=database_url,
        secret_key=secret_key,
        environment=environment,
        public_url=env.get("PULJEN_PUBLIC_URL") or None,
        receipts_dir=Path(env.get("PULJEN_RECEIPTS_DIR") or data_dir / "receipts"),
    )
