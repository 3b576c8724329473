"""Runs deploy/local/kafka/KetteAdmin.java, the one place that talks Kafka's Java Admin API
(SCRAM credentials cannot be managed from aiokafka)."""

import os
import subprocess
from pathlib import Path

from kette_devstack.errors import StackError
from kette_devstack.kafka_files import admin_client_properties
from kette_devstack.locking import file_lock
from kette_devstack.maven import require_java


def apply_security_plan(
    *, source: Path, libs_dir: Path, work_dir: Path, bootstrap: str, admin_password: str, plan: str
) -> None:
    """Reconcile SCRAM users and ACLs with the plan in one JVM start."""
    classes = compile_admin_tool(source, libs_dir)
    properties = work_dir / "admin.properties"
    write_private(properties, admin_client_properties(bootstrap, admin_password))
    plan_file = work_dir / "plan.tsv"
    write_private(plan_file, plan)
    argv = [require_java(), "-Dlog4j2.level=WARN", "-cp", f"{classes}:{libs_dir}/*"]
    argv += ["KetteAdmin", str(properties), str(plan_file)]
    try:
        result = subprocess.run(argv, capture_output=True, text=True, check=False)
    finally:
        plan_file.unlink(missing_ok=True)  # it holds passwords in the clear
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        raise StackError(
            f"applying Kafka users and ACLs failed: {lines[-1] if lines else 'no output'}",
            f"is the broker at {bootstrap} healthy? (`kette-stack status`); tool: {source}",
        )


def compile_admin_tool(source: Path, libs_dir: Path) -> Path:
    """Compile once next to the shared jars (again when the tool or the jars change)."""
    classes = libs_dir.parent / "admin-classes"
    with file_lock(classes.with_suffix(".lock")):
        compiled = classes / "KetteAdmin.class"
        inputs = [source, libs_dir / ".pom-sha256"]
        newest_input = max(path.stat().st_mtime for path in inputs if path.exists())
        if not compiled.is_file() or compiled.stat().st_mtime < newest_input:
            _javac(source, libs_dir, classes)
    return classes


def _javac(source: Path, libs_dir: Path, classes: Path) -> None:
    javac = Path(require_java()).resolve().parent / "javac"
    if not javac.is_file():
        raise StackError(
            "javac is missing: secure mode compiles a small Kafka admin tool",
            "apt-get install -y openjdk-17-jdk-headless",
        )
    classes.mkdir(parents=True, exist_ok=True)
    argv = [str(javac), "-d", str(classes), "-cp", f"{libs_dir}/*", str(source)]
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        first = (result.stderr.strip().splitlines() or ["no output"])[0]
        raise StackError(
            f"compiling {source.name} failed: {first}",
            "check that the pom's kafka-clients version matches the admin tool",
        )


def write_private(path: Path, text: str) -> None:
    """Write a file readable only by us, because it may hold local credentials."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.chmod(path, 0o600)
