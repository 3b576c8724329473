"""Kafka jars from Maven Central via deploy/local/kafka/pom.xml, cached under .kette/."""

import hashlib
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from kette_devstack.errors import StackError
from kette_devstack.locking import file_lock
from kette_devstack.part import Progress

DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies"
_STAMP = ".pom-sha256"
_NETWORK_HINTS = (
    "Could not transfer",
    "UnknownHostException",
    "Unknown host",
    "Connection refused",
    "Connect to",
    "Network is unreachable",
    "timed out",
    "Temporary failure in name resolution",
)
MIN_JAVA = 17


def require_java() -> str:
    """Path of a Java >= 17 runtime (Kafka 4 needs it), or a StackError with the fix."""
    java = shutil.which("java")
    if java is None:
        raise StackError(
            "Java is missing: Kafka needs a Java 17+ runtime",
            "apt-get install -y openjdk-17-jdk-headless (or put Java 17+ on PATH)",
        )
    out = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    match = re.search(r'version "(\d+)', out.stderr + out.stdout)
    if match is None or int(match.group(1)) < MIN_JAVA:
        found = match.group(1) if match else "unknown"
        raise StackError(
            f"Java {found} found at {java}, but Kafka 4 needs Java {MIN_JAVA} or newer",
            "install openjdk-17-jre-headless and put it first on PATH",
        )
    return java


def ensure_kafka_jars(pom: Path, libs_dir: Path, progress: Progress) -> Path:
    """Copy the pom's runtime dependencies into libs_dir once per pom version."""
    digest = hashlib.sha256(pom.read_bytes()).hexdigest()
    with file_lock(libs_dir.parent / "libs.lock"):
        if not _stamped(libs_dir, digest):
            _resolve(pom, libs_dir, digest, progress)
    return libs_dir


def _stamped(libs_dir: Path, digest: str) -> bool:
    stamp = libs_dir / _STAMP
    return stamp.is_file() and stamp.read_text().strip() == digest


def _resolve(pom: Path, libs_dir: Path, digest: str, progress: Progress) -> None:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise StackError(
            "Maven (mvn) is missing: it resolves the Kafka jars from Maven Central",
            "apt-get install -y maven, then run `make up` again",
        )
    libs_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="libs-", dir=libs_dir.parent))
    try:
        progress("resolving Kafka jars with Maven (first run downloads about 45 MB)")
        result = _copy_dependencies(mvn, pom, staging, offline=True)
        if result.returncode != 0:
            result = _copy_dependencies(mvn, pom, staging, offline=False)
        if result.returncode != 0:
            raise _maven_failure(result.stdout + result.stderr)
        (staging / _STAMP).write_text(digest)
        if libs_dir.exists():
            shutil.rmtree(libs_dir)
        staging.rename(libs_dir)
        libs_dir.chmod(0o755)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _copy_dependencies(
    mvn: str, pom: Path, output: Path, *, offline: bool
) -> subprocess.CompletedProcess[str]:
    argv = [mvn, "-B", "-q", "-f", str(pom), DEPENDENCY_PLUGIN]
    argv += [f"-DoutputDirectory={output}", "-DincludeScope=runtime"]
    if offline:
        argv.append("-o")
    return subprocess.run(argv, capture_output=True, text=True, check=False)


def _maven_failure(output: str) -> StackError:
    if any(hint in output for hint in _NETWORK_HINTS):
        return StackError(
            "Maven could not reach Maven Central to download the Kafka jars",
            "check the network or the proxy in ~/.m2/settings.xml, then run `make up` again",
        )
    first_error = next((line for line in output.splitlines() if "[ERROR]" in line), "no error line")
    return StackError(
        f"Maven failed to resolve the Kafka jars: {first_error.strip()[:240]}",
        "run `mvn -f deploy/local/kafka/pom.xml dependency:tree` to see the failing artifact",
    )
