"""The ``puljen`` command: users, the demo, and the server."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

from app.deliberation.errors import DeliberationError
from app.infra.config import ConfigurationError, load_settings
from app.main import build_services
from app.usecases.unit import Services

DEMO_EMAIL = "facilitator@demo.puljen.dk"
DEMO_PASSWORD = "puljen-demo-2026"


def _services() -> Services:
    services = build_services(load_settings())
    services.db.upgrade()
    return services


def _upgraded() -> None:
    """Upgrade the database, and let go of its connections (a server opens its own)."""
    _services().db.dispose()


def _user_command(change: Callable[[Services], str]) -> int:
    """Run one change to a user; print its answer, or a one-line reason and exit 1."""
    services = _services()
    try:
        print(change(services))
    except DeliberationError as error:
        print(f"puljen: {error.text()}", file=sys.stderr)
        return 1
    finally:
        services.db.dispose()
    return 0


def user_create(args: argparse.Namespace) -> int:
    from app.usecases import accounts

    return _user_command(
        lambda services: (
            accounts.create_user(
                services, email=args.email, password=args.password, role=args.role
            ).id
        )
    )


def user_role(args: argparse.Namespace) -> int:
    from app.usecases import accounts

    return _user_command(
        lambda services: (
            f"{accounts.set_role(services, email=args.email, role=args.role).email}"
            f" is now {args.role}"
        )
    )


def user_password(args: argparse.Namespace) -> int:
    from app.usecases import accounts

    def change(services: Services) -> str:
        ended = accounts.set_password(services, email=args.email, password=args.password)
        return f"password changed; {ended} login(s) ended"

    return _user_command(change)


def migrate(args: argparse.Namespace) -> int:
    _upgraded()
    print("database is at the newest migration")
    return 0


def _serve(host: str, port: int) -> None:
    import uvicorn

    uvicorn.run("app.main:app", host=host, port=port, proxy_headers=True)


def serve(args: argparse.Namespace) -> int:
    _upgraded()
    _serve(args.host, args.port)
    return 0


def _demo_address(args: argparse.Namespace) -> tuple[str, str, list[str]]:
    """Where to serve the demo, the base of the URLs it prints, and notes for the person
    running it. With ``--lan``: on every interface, at this machine's network address (also
    the public URL, so the screen's QR code points there too)."""
    from app.infra.network import lan_address

    port = args.port
    configured = os.environ.get("PULJEN_PUBLIC_URL", "").strip()
    if args.lan:
        if configured:
            return "0.0.0.0", configured.rstrip("/"), [f"Using PULJEN_PUBLIC_URL={configured}."]
        address = lan_address()
        if address is None:
            return (
                "0.0.0.0",
                f"http://localhost:{port}",
                [
                    "Could not find this machine's address on the network (is the Wi-Fi on?).",
                    "Find it with `ip addr` (Linux), `ipconfig` (Windows) or the network",
                    "settings (macOS), then run again with",
                    f"PULJEN_PUBLIC_URL=http://<that address>:{port} scripts/demo --lan",
                ],
            )
        base = f"http://{address}:{port}"
        os.environ["PULJEN_PUBLIC_URL"] = base  # the join URL and the screen's QR code
        return (
            "0.0.0.0",
            base,
            [
                f"Found this machine on the network at {address}: phones on the same Wi-Fi",
                "open the join URL or scan the QR code on the shared screen.",
                f"If a phone cannot connect, let Python through the firewall on port {port}.",
            ],
        )
    local = args.host in ("0.0.0.0", "127.0.0.1", "localhost")
    base = configured.rstrip("/") or f"http://{'localhost' if local else args.host}:{port}"
    notes = []
    if "localhost" in base:
        notes = [
            "Phones cannot open localhost. For a real workshop, with phones on the same",
            "Wi-Fi as this computer, run: scripts/demo --lan",
        ]
    return args.host, base, notes


def demo(args: argparse.Namespace) -> int:
    from app import demo as demo_data

    services = _services()
    host, base, notes = _demo_address(args)
    info = demo_data.ensure_demo(services, email=DEMO_EMAIL, password=DEMO_PASSWORD)
    services.db.dispose()
    print(
        "\n".join(
            [
                "",
                "Puljen is starting with a demo group ready.",
                f"  Facilitator login:  {DEMO_EMAIL} / {DEMO_PASSWORD}",
                f"  Caseworker login:   {demo_data.DEMO_APPROVER} / {DEMO_PASSWORD}",
                f"  Log in at:          {base}/f/login",
                f"  Group:              {info.group_name} (pot {info.pot_text})",
                f"  Join code:          {info.code}",
                f"  Join URL (phones):  {base}/j/{info.code}",
                f"  Shared screen:      {base}/screen/{info.screen_token}",
                f"  JSON API docs:      {base}/docs",
                "",
                *(f"  {note}" for note in notes),
                *([""] if notes else []),
            ]
        ),
        flush=True,
    )
    if not args.no_serve:
        _serve(host, args.port)
    return 0


def pb_compute(args: argparse.Namespace) -> int:
    """Run a voting rule on a pabulib file; print {"funded", "spent", "seconds"} as JSON."""
    import json
    import time
    from pathlib import Path

    from app.deliberation.interop import compute_pb
    from app.deliberation.methods import Method
    from app.deliberation.pabulib import PabulibError, read

    try:
        instance = read(Path(args.file).read_text(encoding="utf-8-sig"))
    except (OSError, PabulibError) as error:
        print(f"puljen: {args.file}: {error}", file=sys.stderr)
        return 1
    started = time.perf_counter()
    result = compute_pb(instance, Method(args.method), args.completion)
    seconds = time.perf_counter() - started
    print(
        json.dumps({"funded": list(result.funded), "spent": result.spent_minor, "seconds": seconds})
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="puljen", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    user = commands.add_parser("user", help="manage users").add_subparsers(
        dest="user_command", required=True
    )
    create = user.add_parser("create", help="create a facilitator, approver or admin")
    create.add_argument("--email", required=True)
    create.add_argument("--password", required=True)
    create.add_argument("--role", required=True, choices=["facilitator", "approver", "admin"])
    create.set_defaults(handler=user_create)
    role = user.add_parser("role", help="give a user another role")
    role.add_argument("--email", required=True)
    role.add_argument("--role", required=True, choices=["facilitator", "approver", "admin"])
    role.set_defaults(handler=user_role)
    password = user.add_parser("password", help="set a new password and end the user's logins")
    password.add_argument("--email", required=True)
    password.add_argument("--password", required=True)
    password.set_defaults(handler=user_password)

    pb = commands.add_parser("pb", help="pabulib files").add_subparsers(
        dest="pb_command", required=True
    )
    compute = pb.add_parser("compute", help="run a voting rule on a .pb file")
    compute.add_argument("file")
    compute.add_argument(
        "--method", required=True, choices=["approval", "equal_shares", "cumulative"]
    )
    compute.add_argument("--completion", default="add1", choices=["add1", "greedy", "none"])
    compute.set_defaults(handler=pb_compute)

    commands.add_parser("migrate", help="create or upgrade the database").set_defaults(
        handler=migrate
    )
    for name, handler, help_text in (
        ("serve", serve, "run the server"),
        ("demo", demo, "create a demo group, print where to click, and run the server"),
    ):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("--host", default="127.0.0.1")
        command.add_argument("--port", type=int, default=8000)
        if name == "demo":
            command.add_argument("--no-serve", action="store_true", help="only create the data")
            command.add_argument(
                "--lan",
                action="store_true",
                help="serve to phones on the same Wi-Fi: on all interfaces, with URLs and the "
                "QR code at this machine's network address (found without going online)",
            )
        command.set_defaults(handler=handler)

    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except ConfigurationError as error:
        print(f"puljen: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
