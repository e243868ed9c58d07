"""HTTP load benchmark for `painpath serve` (SQLite, default settings).

What it does, start to finish, with nothing left behind:

1. makes a temporary data dir and runs `painpath db upgrade` and `painpath demo` in it
   (PAINPATH_DATA_DIR only; every other PAINPATH_* variable is removed, so the settings
   are the defaults: SQLite in that dir, default Argon2 cost, log level "info");
2. starts `painpath serve` on a free port of 127.0.0.1 and waits for GET /healthz;
3. signs the demo clinician in through the web form and creates a read-only personal
   access token with POST /api/v1/tokens;
4. for each scenario (GET /signin without cookies; GET /api/v1/patients with the bearer
   token; the exercise library page and one exercise's page) and each concurrency
   level: a short warm-up, then a fixed-duration run with that many concurrent clients,
   each with its own keep-alive connection (stdlib asyncio streams; `--client httpx`
   uses one httpx.AsyncClient limited to that many connections instead). Non-2xx
   answers and exceptions count as errors;
5. prints (and with --output writes) a markdown report, stops the server and removes
   the temporary directory.

Run from the repository root:  .venv/bin/python benchmarks/http_load.py
All traffic goes to 127.0.0.1. Needs httpx (in the `dev` extra).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.cookiejar
import json
import os
import platform
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

DEMO_EMAIL = "clinician@demo.painpath.example"
CSRF_INPUT = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
DEFAULT_PYTHON = Path(__file__).resolve().parent.parent / ".venv" / "bin" / "python"


# --- the server -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAINPATH_")}
    env["PAINPATH_DATA_DIR"] = str(data_dir)
    return env


def run_cli(python: str, args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
        [python, "-m", "painpath", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"painpath {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


class Server:
    """`painpath serve` in its own process group, output to a log file."""

    def __init__(self, python: str, env: dict[str, str], port: int, workers: int, log: Path):
        self.base_url = f"http://127.0.0.1:{port}"
        self.log_path = log
        self._log = log.open("wb")
        args = [python, "-m", "painpath", "serve", "--port", str(port), "--workers", str(workers)]
        self.proc = subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
            args, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait_healthy(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited early:\n{self.log_tail()}")
            with contextlib.suppress(httpx.HTTPError):
                answer = httpx.get(self.base_url + "/healthz", timeout=2, trust_env=False)
                if answer.status_code == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"the server did not answer /healthz in {timeout:.0f} s")

    def cpu_seconds(self) -> float | None:
        """User+system CPU of the server and its worker processes (Linux /proc only)."""
        try:
            tick = os.sysconf("SC_CLK_TCK")
            total = 0
            for pid in self._tree(self.proc.pid):
                stat = Path(f"/proc/{pid}/stat").read_text()
                fields = stat.rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime, stime
            return total / tick
        except (OSError, ValueError, IndexError):
            return None

    @staticmethod
    def _tree(pid: int) -> list[int]:
        found, todo = [], [pid]
        while todo:
            current = todo.pop()
            found.append(current)
            with contextlib.suppress(OSError):
                for task in Path(f"/proc/{current}/task").iterdir():
                    children = (task / "children").read_text().split()
                    todo.extend(int(c) for c in children)
        return found

    def log_tail(self, lines: int = 30) -> str:
        self._log.flush()
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self._log.close()


def create_token(base_url: str, password: str) -> str:
    """Sign in with the web form, then create a read-only API token; return its secret."""
    # trust_env=False: never through a proxy from the environment, always to 127.0.0.1.
    with httpx.Client(
        base_url=base_url, follow_redirects=False, timeout=60, trust_env=False
    ) as client:
        page = client.get("/signin")
        page.raise_for_status()
        form_csrf = CSRF_INPUT.search(page.text)
        if not form_csrf or "pp_csrf" not in client.cookies:
            raise RuntimeError("GET /signin gave no csrf_token input or no pp_csrf cookie")
        signed = client.post(
            "/signin",
            data={"email": DEMO_EMAIL, "password": password, "csrf_token": form_csrf.group(1)},
        )
        if signed.status_code != 303 or "pp_session" not in client.cookies:
            raise RuntimeError(f"sign-in failed: HTTP {signed.status_code}")
        account = client.get("/account")
        account.raise_for_status()
        session_csrf = CSRF_INPUT.search(account.text)
        if not session_csrf:
            raise RuntimeError("GET /account gave no csrf_token input")
        created = client.post(
            "/api/v1/tokens",
            json={"name": "bench", "scopes": ["read"]},
            headers={"X-CSRF-Token": session_csrf.group(1)},
        )
        if created.status_code != 201:
            raise RuntimeError(f"token creation failed: HTTP {created.status_code} {created.text}")
        return created.json()["secret"]


# --- the load -------------------------------------------------------------------------


@dataclass
class Result:
    scenario: str
    concurrency: int
    elapsed: float
    latencies: list[float] = field(default_factory=list)  # seconds, every finished request
    errors: dict[str, int] = field(default_factory=dict)
    client_cpu: float | None = None
    server_cpu: float | None = None

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def percentile(self, p: float) -> float:
        """Nearest-rank percentile, in milliseconds."""
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        rank = max(1, -(-len(ordered) * p // 100))  # ceil(n * p / 100)
        return ordered[int(rank) - 1] * 1000


# uvicorn closes a keep-alive connection after 5 s without a request (its default
# --timeout-keep-alive). A connection left idle that long (e.g. between warm-up and
# measurement, while slow requests of other clients finish) is reopened instead of
# reused, as browsers and HTTP libraries do, so that the race is not counted as an error.
IDLE_REOPEN = 4.0


class RawConnection:
    """One keep-alive HTTP/1.1 connection doing GETs, stdlib asyncio streams only.

    It costs the load generator far less CPU per request than httpx.AsyncClient (whose
    per-request overhead grows with the pool size: encode/httpx#3215), and on a small
    machine the load generator competes with the server for the same cores. It sends no
    cookies, so /signin is always served to a first-time visitor."""

    def __init__(self, host: str, port: int, path: str, headers: dict[str, str]) -> None:
        self.host, self.port = host, port
        lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "User-Agent: painpath-bench"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        self.request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.idle_since = 0.0

    async def get(self) -> int:
        if self.writer is not None and time.monotonic() - self.idle_since > IDLE_REOPEN:
            await self.close()  # the server may be closing it right now: don't race it
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        try:
            self.writer.write(self.request)
            head = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1")
            status_line, *header_lines = head.split("\r\n")
            status = int(status_line.split(" ", 2)[1])
            fields = {}
            for line in header_lines:
                name, _, value = line.partition(":")
                fields[name.strip().lower()] = value.strip().lower()
            if fields.get("transfer-encoding") == "chunked":
                while size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16):
                    await self.reader.readexactly(size + 2)
                await self.reader.readuntil(b"\r\n")  # no trailers expected
            else:
                await self.reader.readexactly(int(fields.get("content-length", "0")))
            if fields.get("connection") == "close":
                await self.close()
            self.idle_since = time.monotonic()
            return status
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        writer, self.reader, self.writer = self.writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


Send = Callable[[], Awaitable[int]]
CLIENT_ERRORS = (OSError, EOFError, ValueError, TimeoutError, asyncio.LimitOverrunError)


async def _drive(senders: list[Send], seconds: float, timeout: float, result: Result | None):
    """One loop per sender, each sending one request at a time until `seconds` pass. A
    request started before the deadline is waited for, at most `timeout` seconds."""
    deadline = time.perf_counter() + seconds

    async def one_client(send: Send) -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                async with asyncio.timeout(timeout):
                    status = await send()
                kind = None if 200 <= status < 300 else f"HTTP {status}"
            except (*CLIENT_ERRORS, httpx.HTTPError) as error:
                kind = type(error).__name__
            if result is not None:
                result.latencies.append(time.perf_counter() - started)
                if kind:
                    result.errors[kind] = result.errors.get(kind, 0) + 1

    await asyncio.gather(*(one_client(send) for send in senders))


@contextlib.asynccontextmanager
async def load_clients(
    kind: str, base_url: str, path: str, headers: dict[str, str], concurrency: int, timeout: float
) -> AsyncIterator[list[Send]]:
    """`concurrency` request senders sharing at most `concurrency` connections."""
    if kind == "raw":
        url = httpx.URL(base_url)
        connections = [
            RawConnection(url.host, url.port or 80, path, headers) for _ in range(concurrency)
        ]
        try:
            yield [c.get for c in connections]
        finally:
            for connection in connections:
                await connection.close()
        return
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=base_url, headers=headers, limits=limits, timeout=timeout, trust_env=False
    ) as client:
        # No cookies, like the raw client. (Set on the client's own jar: httpx copies a
        # jar given as `cookies=` and loses its policy.)
        client.cookies.jar.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))

        async def send() -> int:
            return (await client.get(path)).status_code

        yield [send] * concurrency


async def measure(
    server: Server,
    scenario: str,
    path: str,
    headers: dict[str, str],
    concurrency: int,
    args: argparse.Namespace,
) -> Result:
    async with load_clients(
        args.client, server.base_url, path, headers, concurrency, args.timeout
    ) as senders:
        if args.warmup > 0:
            await _drive(senders, args.warmup, args.timeout, None)
        result = Result(scenario, concurrency, elapsed=0.0)
        server_cpu = server.cpu_seconds()
        client_cpu = time.process_time()
        started = time.perf_counter()
        await _drive(senders, args.duration, args.timeout, result)
        result.elapsed = time.perf_counter() - started
        result.client_cpu = time.process_time() - client_cpu
        server_after = server.cpu_seconds()
        if server_cpu is not None and server_after is not None:
            result.server_cpu = server_after - server_cpu
    return result


# --- the report -----------------------------------------------------------------------


def machine_details(python: str) -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = "unknown"
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    os_name = platform.platform()
    with contextlib.suppress(OSError):
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                os_name = f"{line.split('=', 1)[1].strip(chr(34))} (kernel {platform.release()})"
    probe = (
        "import json, sqlite3, sys, painpath, fastapi, uvicorn, sqlalchemy; print(json.dumps("
        "{'python': sys.version.split()[0], 'sqlite': sqlite3.sqlite_version, "
        "'painpath': painpath.__version__, 'fastapi': fastapi.__version__, "
        "'uvicorn': uvicorn.__version__, 'sqlalchemy': sqlalchemy.__version__, "
        "'source': painpath.__path__[0]}))"
    )
    versions = json.loads(
        subprocess.run(  # noqa: S603 - our own interpreter and a fixed snippet
            [python, "-c", probe], capture_output=True, text=True, check=True, timeout=60
        ).stdout
    )
    return {
        "CPU": cpu,
        "Cores (logical)": str(os.cpu_count()),
        "RAM": ram,
        "OS": os_name,
        "Python (server)": versions["python"],
        "painpath": f"{versions['painpath']}, {source_revision(versions['source'])}",
        "SQLite": versions["sqlite"],
        "FastAPI / uvicorn / SQLAlchemy": (
            f"{versions['fastapi']} / {versions['uvicorn']} / {versions['sqlalchemy']}"
        ),
        "httpx": httpx.__version__,
    }


def source_revision(package_dir: str) -> str:
    """Which code was measured: the git commit of the package's source, and whether that
    source had uncommitted changes."""
    git = shutil.which("git")
    if git is None:
        return f"source {package_dir}"
    head = subprocess.run(  # noqa: S603 - fixed git arguments
        [git, "-C", package_dir, "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    if head.returncode != 0:
        return f"source {package_dir} (not a git checkout)"
    dirty = subprocess.run(  # noqa: S603 - fixed git arguments
        [git, "-C", package_dir, "status", "--porcelain", "--", "."],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    state = "with uncommitted changes" if dirty else "clean"
    return f"commit {head.stdout.strip()} ({state}), source {package_dir}"


def report(results: list[Result], machine: dict[str, str], args: argparse.Namespace) -> str:
    command = "python benchmarks/http_load.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    lines = [
        f"### {args.workers} worker process{'es' if args.workers > 1 else ''}, "
        f"{args.client} load generator",
        "",
        f"Run {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}: `{command.strip()}` "
        f"({args.duration:g} s per row after {args.warmup:g} s warm-up).",
        "",
        "| scenario | concurrency | requests | req/s | p50 ms | p99 ms | max ms | errors "
        "| client CPU s | server CPU s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        errors = str(r.error_count)
        if r.errors:
            errors += " (" + ", ".join(f"{k}: {v}" for k, v in sorted(r.errors.items())) + ")"
        lines.append(
            f"| {r.scenario} | {r.concurrency} | {r.requests} | {r.requests / r.elapsed:.0f} "
            f"| {r.percentile(50):.1f} | {r.percentile(99):.1f} "
            f"| {max(r.latencies, default=0) * 1000:.1f} | {errors} "
            f"| {_fmt(r.client_cpu)} | {_fmt(r.server_cpu)} |"
        )
    lines += ["", "Machine:", ""]
    lines += [f"- {k}: {v}" for k, v in machine.items()]
    lines.append(
        f"- Load average (1/5/15 min) before → after the run: {args.load_before} → {loadavg()}"
    )
    lines.append(f"- CPU availability before the run: {args.stalls}")
    if args.server_notes:
        lines += ["", "Server log lines other than start-up and successful requests:", "", "```"]
        lines += args.server_notes
        lines.append("```")
    return "\n".join(lines) + "\n"


ROUTINE_LOG = re.compile(
    r'" (2\d\d|303) |Started (server|parent) process|Waiting for application startup'
    r"|Application startup complete|Uvicorn running on|serving on http|Shutting down"
    r"|Waiting for application shutdown|Application shutdown complete|Finished server process"
    r"|Stopping parent process|Waiting for child process"
)


def notable_log_lines(path: Path, limit: int = 40) -> list[str]:
    """Server log lines worth a look (errors, worker restarts), at most `limit`."""
    found = [
        line
        for line in path.read_text(errors="replace").splitlines()
        if line.strip() and not ROUTINE_LOG.search(line)
    ]
    if len(found) > limit:
        found = [*found[:limit], f"… and {len(found) - limit} more lines"]
    return found


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def stall_check(seconds: float = 2.0) -> str:
    """How often a busy loop in this process is kept off the CPU for more than 50 ms: on a
    quiet machine, never. Other load (or a noisy VM host) shows up here first."""
    end = time.perf_counter() + seconds
    last, gaps = time.perf_counter(), []
    while (now := time.perf_counter()) < end:
        if now - last > 0.05:
            gaps.append(now - last)
        last = now
    longest = f", longest {max(gaps) * 1000:.0f} ms" if gaps else ""
    return f"{len(gaps)} pauses > 50 ms in a {seconds:g} s busy loop{longest}"


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


# --- main -----------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per row (10)")
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up seconds (2)")
    parser.add_argument(
        "--concurrency",
        type=int,
        nargs="+",
        default=[16, 64],
        help="concurrent clients, one row per value (16 64)",
    )
    parser.add_argument("--workers", type=int, default=1, help="server worker processes (1)")
    parser.add_argument(
        "--client",
        choices=["raw", "httpx"],
        default="raw",
        help="load generator: stdlib asyncio streams (raw, default) or httpx.AsyncClient",
    )
    parser.add_argument(
        "--api-path",
        action="append",
        default=[],
        metavar="PATH",
        help="also load this GET /api/... path with the bearer token (repeatable), "
        "e.g. /api/v1/me to compare with the patient list",
    )
    parser.add_argument("--timeout", type=float, default=30.0, help="per-request timeout, s")
    parser.add_argument("--output", type=Path, help="also write the markdown report here")
    parser.add_argument(
        "--python",
        default=str(DEFAULT_PYTHON if DEFAULT_PYTHON.exists() else sys.executable),
        help="interpreter with painpath installed (default: the repo's .venv)",
    )
    args = parser.parse_args(argv)
    if not 0 < args.duration <= 600 or not 0 <= args.warmup <= 60:
        parser.error("--duration must be in (0, 600] and --warmup in [0, 60]")
    if any(not 1 <= c <= 1024 for c in args.concurrency) or not 1 <= args.workers <= 64:
        parser.error("--concurrency values must be 1..1024 and --workers 1..64")
    if any(not path.startswith("/api/") for path in args.api_path):
        parser.error("--api-path must start with /api/")
    return args


def _stop_on_sigterm(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)  # so that `finally` stops the server and cleans up


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    args.load_before = loadavg()
    args.stalls = stall_check()
    data_dir = Path(tempfile.mkdtemp(prefix="painpath-bench-"))
    server: Server | None = None
    try:
        env = bench_env(data_dir)
        print(f"data dir {data_dir}; migrating and loading demo data…", flush=True)
        run_cli(args.python, ["db", "upgrade"], env)
        run_cli(args.python, ["demo"], env)
        password = json.loads((data_dir / "demo-logins.json").read_text())["clinician"]

        server = Server(args.python, env, free_port(), args.workers, data_dir / "server.log")
        server.wait_healthy()
        print(f"server up at {server.base_url} ({args.workers} worker(s))", flush=True)
        secret = create_token(server.base_url, password)

        bearer = {"Authorization": f"Bearer {secret}"}
        scenarios = [
            ("GET /signin (anonymous)", "/signin", {}),
            ("GET /api/v1/patients (bearer)", "/api/v1/patients", bearer),
            # The pages that crawled under load (issue 10 §3): the library, one exercise.
            ("GET /exercises (anonymous)", "/exercises", {}),
            ("GET /exercises/clamshell (anonymous)", "/exercises/clamshell", {}),
            *((f"GET {path} (bearer)", path, bearer) for path in args.api_path),
        ]
        results: list[Result] = []
        for name, path, headers in scenarios:
            for concurrency in args.concurrency:
                print(f"{name} at concurrency {concurrency}…", flush=True)
                result = asyncio.run(measure(server, name, path, headers, concurrency, args))
                results.append(result)
                print(
                    f"  {result.requests / result.elapsed:.0f} req/s, p50 "
                    f"{result.percentile(50):.1f} ms, p99 {result.percentile(99):.1f} ms, "
                    f"errors {result.error_count}",
                    flush=True,
                )
        if server.proc.poll() is not None:
            raise RuntimeError(f"the server died during the run:\n{server.log_tail()}")
        args.server_notes = notable_log_lines(server.log_path)
        text = report(results, machine_details(args.python), args)
        print()
        print(text)
        if args.output:
            args.output.write_text(text, encoding="utf-8")
            print(f"wrote {args.output}")
        return 0
    except Exception:
        if server is not None:
            print(f"server log (last lines):\n{server.log_tail()}", file=sys.stderr)
        raise
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
