"""Does a sign-in hold up every other request? A diagnostic, not a load test.

POST /signin verifies an Argon2id hash (default cost: 64 MiB, 3 passes). If that runs
on the event loop, the whole worker answers nothing else until it is done. This script
measures it in one process, so that noise from the rest of the machine affects every
case alike: it loads the ASGI app (fresh temporary data dir, demo data, default
settings), keeps a tiny task on the event loop that wakes every 5 ms and records how
late it wakes ("loop lag"), and compares the worst lag and the share of time the loop
was stalled

1. while the loop is idle (the machine's own noise),
2. during POST /signin through the app (what `painpath serve` does today), and
3. during the same `accounts.sign_in` call run in a worker thread (what it would do
   with `await run_in_threadpool(...)`).

Run from the repository root:  .venv/bin/python benchmarks/signin_stall.py
Nothing is served on a port; the temporary directory is removed at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from http_load import CSRF_INPUT, DEMO_EMAIL, bench_env, run_cli  # noqa: E402

TICK = 0.005


async def worst_lag(action: Callable[[], Awaitable[object]]) -> tuple[float, float, float]:
    """(seconds the action took, worst loop lag while it ran, total lag over 20 ms)."""
    lags: list[float] = []
    done = asyncio.Event()

    async def monitor() -> None:
        while not done.is_set():
            started = time.perf_counter()
            await asyncio.sleep(TICK)
            lags.append(time.perf_counter() - started - TICK)

    task = asyncio.create_task(monitor())
    await asyncio.sleep(0.05)
    lags.clear()
    started = time.perf_counter()
    await action()
    took = time.perf_counter() - started
    done.set()
    await task
    return took, max(lags, default=0.0), sum(lag for lag in lags if lag > 0.02)


async def run(password: str, rounds: int) -> list[tuple[str, float, float]]:
    from painpath.services import accounts
    from painpath.services.context import Context
    from painpath.web.app import create_app

    app = create_app()
    services = app.state.services
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    rows = []
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        for _ in range(rounds):
            rows.append(("idle loop (1 s)", *await worst_lag(lambda: asyncio.sleep(1))))

            client.cookies.clear()
            page = await client.get("/signin")
            token = CSRF_INPUT.search(page.text)
            assert token, "no csrf_token on /signin"
            form = {"email": DEMO_EMAIL, "password": password, "csrf_token": token[1]}

            async def post_signin(form: dict[str, str] = form) -> None:
                answer = await client.post("/signin", data=form)
                assert answer.status_code == 303, f"sign-in answered {answer.status_code}"

            rows.append(("POST /signin through the app", *await worst_lag(post_signin)))

            ctx = Context(services, client_address="127.0.0.1")
            rows.append(
                (
                    "accounts.sign_in in a worker thread",
                    *await worst_lag(
                        lambda ctx=ctx: asyncio.to_thread(
                            accounts.sign_in, ctx, DEMO_EMAIL, password
                        )
                    ),
                )
            )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="repetitions of each case (3)")
    parser.add_argument("--python", default=sys.executable, help="for db upgrade and demo")
    args = parser.parse_args(argv)
    rounds = max(1, min(args.rounds, 10))

    data_dir = Path(tempfile.mkdtemp(prefix="painpath-bench-"))
    try:
        env = bench_env(data_dir)
        run_cli(args.python, ["db", "upgrade"], env)
        run_cli(args.python, ["demo"], env)
        password = json.loads((data_dir / "demo-logins.json").read_text())["clinician"]
        for name in [k for k in os.environ if k.startswith("PAINPATH_")]:
            del os.environ[name]
        os.environ["PAINPATH_DATA_DIR"] = str(data_dir)
        os.environ["PAINPATH_LOG_LEVEL"] = "warning"  # no per-request log lines here
        rows = asyncio.run(run(password, rounds))
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)

    print("| case | took ms | worst event-loop lag ms | loop stalled (lag > 20 ms), % of time |")
    print("|---|---:|---:|---:|")
    for label, took, worst, stalled in rows:
        print(f"| {label} | {took * 1000:.0f} | {worst * 1000:.0f} | {stalled / took:.0%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
