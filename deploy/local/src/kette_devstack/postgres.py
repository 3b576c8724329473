"""PostgreSQL from Debian's packages for tests, run as the postgres user when we are root."""

import grp
import hashlib
import os
import pwd
import re
import shutil
import signal
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kette_devstack.errors import StackError
from kette_devstack.kafka_security import CredentialStore
from kette_devstack.part import Part, Progress
from kette_devstack.ports import port_answers, require_free_ports
from kette_devstack.process import spawn
from kette_devstack.settings import LOOPBACK, StackSettings

if TYPE_CHECKING:
    from psycopg import sql

# psycopg is imported inside the methods: it is slow to import and the CLI should be quick.
SUPERUSER = "kette"
_DEBIAN_BIN_ROOT = Path("/usr/lib/postgresql")
_DATABASE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@dataclass(frozen=True)
class PostgresConfig:
    """State dir and loopback port of the test PostgreSQL."""

    state_dir: Path
    port: int = 5433
    auto_install: bool = True

    @classmethod
    def from_settings(cls, settings: StackSettings) -> "PostgresConfig":
        return cls(settings.state_dir, settings.postgres_port, settings.postgres_auto_install)

    @property
    def home(self) -> Path:
        return self.state_dir / "postgres"

    @property
    def server_dir(self) -> Path:
        """Where the server's own files live: under the state dir when the postgres user can
        reach it, else in a per-checkout directory under /var/tmp (e.g. a checkout in /root)."""
        if os.geteuid() != 0 or _reachable_by_postgres(self.home):
            return self.home
        digest = hashlib.sha256(str(self.home).encode()).hexdigest()[:12]
        return Path("/var/tmp") / f"kette-postgres-{digest}"

    @property
    def data_dir(self) -> Path:
        return self.server_dir / "data"


def _reachable_by_postgres(path: Path) -> bool:
    """True if every existing ancestor of path lets the postgres user pass through."""
    try:
        account = pwd.getpwnam("postgres")
    except KeyError:
        return True
    groups = {account.pw_gid, *(g.gr_gid for g in grp.getgrall() if "postgres" in g.gr_mem)}
    for directory in (path, *path.parents):
        if not directory.exists():
            continue
        info = directory.stat()
        if info.st_uid == account.pw_uid:
            allowed = bool(info.st_mode & stat.S_IXUSR)
        elif info.st_gid in groups:
            allowed = bool(info.st_mode & stat.S_IXGRP)
        else:
            allowed = bool(info.st_mode & stat.S_IXOTH)
        if not allowed:
            return False
    return True


def find_bin_dir() -> Path | None:
    """Newest Debian PostgreSQL bin dir, else the one holding initdb on PATH."""
    if _DEBIAN_BIN_ROOT.is_dir():
        versions = [d for d in _DEBIAN_BIN_ROOT.iterdir() if (d / "bin" / "initdb").is_file()]
        if versions:
            newest = max(versions, key=lambda d: int(d.name) if d.name.isdigit() else 0)
            return newest / "bin"
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PostgresServer(Part):
    """initdb once, then `postgres` on 127.0.0.1 only (no Unix socket), password auth."""

    name = "postgres"
    stop_signal = signal.SIGINT  # PostgreSQL's "fast" shutdown

    def __init__(self, config: PostgresConfig, start_timeout: float = 120.0) -> None:
        super().__init__(config.state_dir, start_timeout)
        self.config = config
        self._credentials = CredentialStore(config.home / "credentials.json")

    def url(self, database: str = "postgres", driver: str = "postgresql+psycopg") -> str:
        """Connection URL; the default driver suits SQLAlchemy, use "postgresql" for psycopg."""
        password = self._credentials.password(SUPERUSER)
        return f"{driver}://{SUPERUSER}:{password}@{LOOPBACK}:{self.config.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create an empty database and return its SQLAlchemy URL."""
        from psycopg import sql

        self._admin_execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(_db(name))))
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database even if connections linger (tests may leak pooled ones)."""
        from psycopg import sql

        statement = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        self._admin_execute(statement.format(sql.Identifier(_db(name))))

    def _admin_execute(self, statement: "sql.Composed") -> None:
        import psycopg

        with psycopg.connect(self.url(driver="postgresql"), autocommit=True) as conn:
            conn.execute(statement)

    def _os_user(self) -> str | None:
        """PostgreSQL refuses to run as root, so root runs it as the postgres user."""
        if os.geteuid() != 0:
            return None
        try:
            pwd.getpwnam("postgres")
        except KeyError as exc:
            raise StackError(
                "running as root, but there is no `postgres` user to run PostgreSQL as",
                "apt-get install -y postgresql (it creates the user), or run as a normal user",
            ) from exc
        return "postgres"

    def _bin_dir(self, progress: Progress) -> Path:
        found = find_bin_dir()
        if found is not None:
            return found
        apt = shutil.which("apt-get")
        if self.config.auto_install and os.geteuid() == 0 and apt is not None:
            progress("installing PostgreSQL from Debian's packages (apt-get)")
            env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
            for argv in ([apt, "update"], [apt, "install", "-y", "postgresql"]):
                subprocess.run(argv, capture_output=True, env=env, check=False)
            found = find_bin_dir()
            if found is not None:
                return found
        raise StackError(
            "PostgreSQL (initdb) is not installed",
            "apt-get update && apt-get install -y postgresql",
        )

    def _preflight(self, progress: Progress) -> None:
        self._bin_dir(progress)
        self._os_user()
        require_free_ports("PostgreSQL", {"server": self.config.port}, "KETTE_POSTGRES_PORT")
        if not (self.config.data_dir / "PG_VERSION").is_file():
            progress("initialising the PostgreSQL data directory")
            self._initdb(self._bin_dir(progress))

    def _initdb(self, bin_dir: Path) -> None:
        user = self._os_user()
        home, data = self.config.server_dir, self.config.data_dir
        data.mkdir(parents=True, exist_ok=True)
        pwfile = home / "initdb.pw"
        pwfile.write_text(self._credentials.password(SUPERUSER) + "\n")
        os.chmod(pwfile, 0o600)
        os.chmod(data, 0o700)
        if user is not None:
            for path in (data, pwfile):
                shutil.chown(path, user, user)
        argv = [str(bin_dir / "initdb"), "-D", str(data), "-U", SUPERUSER, "-E", "UTF8"]
        argv += ["--locale=C", "--auth=scram-sha-256", f"--pwfile={pwfile}"]
        try:
            result = subprocess.run(
                argv,
                capture_output=True,
                text=True,
                cwd=home,
                user=user,
                group=user,
                extra_groups=[] if user else None,
                check=False,
            )
        finally:
            pwfile.unlink(missing_ok=True)
        if result.returncode != 0:
            shutil.rmtree(data, ignore_errors=True)
            lines = (result.stderr or result.stdout).strip().splitlines()
            raise StackError(
                f"initdb failed: {lines[-1] if lines else 'no output'}",
                f"make sure the postgres user can enter {home}, then run again",
            )

    def _spawn(self) -> tuple[int, str]:
        data = str(self.config.data_dir)
        argv = [str(self._bin_dir(lambda _: None) / "postgres"), "-D", data]
        argv += ["-p", str(self.config.port), "-c", f"listen_addresses={LOOPBACK}"]
        argv += ["-c", "unix_socket_directories=", "-c", "fsync=off"]
        cwd = self.config.server_dir
        return spawn(argv, self.log_file, cwd=cwd, user=self._os_user()), data

    def _converge(self, progress: Progress) -> None:
        """Nothing to converge: each test creates its own database."""

    def _wait_ready(self, pid: int, progress: Progress) -> None:
        progress(f"waiting for PostgreSQL on {LOOPBACK}:{self.config.port}")
        self._wait_until(pid, lambda: self._query_problem() is None, "SELECT 1")

    def _probe(self) -> tuple[bool, str]:
        problem = self._query_problem()
        if problem is not None:
            return False, problem
        return True, f"accepting connections on {LOOPBACK}:{self.config.port}"

    def _query_problem(self) -> str | None:
        import psycopg

        if not port_answers(self.config.port):
            return f"process runs but {LOOPBACK}:{self.config.port} does not answer"
        try:
            with psycopg.connect(self.url(driver="postgresql"), connect_timeout=3) as conn:
                conn.execute("SELECT 1")
        except psycopg.Error as exc:
            return f"query failed: {str(exc).strip().splitlines()[0]}"
        return None


def _db(name: str) -> str:
    if not _DATABASE_NAME.fullmatch(name):
        raise ValueError(f"database name {name!r} must match {_DATABASE_NAME.pattern}")
    return name
