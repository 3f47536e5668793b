"""Throwaway real Redis servers for tests: TLS, ACL users, Sentinel, cluster mode.

Each runs Debian's ``/usr/bin/redis-server`` (7.0, built with TLS; ``--sentinel`` is Sentinel
mode) on a free port in a temporary directory, and is stopped by the fixture that started it.
Readiness is a PING that answers, never a sleep. The embedded Valkey the other tests use cannot do
TLS or Sentinel, which is why these exist.

Certificates come from ``cryptography`` when it is importable, else from the ``openssl`` CLI.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from tests.support.moto_server import terminate

REDIS_SERVER = Path("/usr/bin/redis-server")

needs_redis_server = pytest.mark.skipif(
    not REDIS_SERVER.exists(),
    reason=f"{REDIS_SERVER} is missing (apt-get install redis-server gives it)",
)


def free_port() -> int:
    """A TCP port nothing listens on right now, low enough for a cluster bus at port + 10000."""
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        if port + 10000 <= 65535:
            return port


def wait_until(check: Callable[[], bool], timeout: float = 5.0, what: str = "it") -> None:
    """Poll ``check`` (errors count as "not yet") until true; raise ``TimeoutError`` after."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if check():
                return
        except (redis.RedisError, OSError):
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not happen within {timeout} s")
        time.sleep(0.02)


@dataclass
class RedisProcess:
    """One ``redis-server`` process and how to reach it."""

    port: int
    directory: Path
    process: subprocess.Popen[bytes]
    #: keyword arguments of a ``redis.Redis`` that can talk to it (TLS, user)
    client_options: dict[str, Any] = field(default_factory=dict)

    def client(self, **options: Any) -> redis.Redis:
        """A direct client (not through Sentinel), with a short timeout and no retries (a
        refused connection must not back off for seconds while the test polls)."""
        merged = {
            "socket_timeout": 2,
            "retry": Retry(NoBackoff(), 0),
            **self.client_options,
            **options,
        }
        return redis.Redis(host="127.0.0.1", port=self.port, **merged)

    def log(self) -> str:
        path = self.directory / "redis.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        terminate(self.process)


def start_redis(
    directory: Path,
    config: list[str],
    *,
    sentinel: bool = False,
    tls: bool = False,
    client_options: dict[str, Any] | None = None,
    attempts: int = 3,
) -> RedisProcess:
    """Start ``redis-server`` with ``config`` (its conf lines, without ports) and wait for PING.

    ``tls``: the port is the TLS port (plain TCP is off). A port taken between being found and
    being bound (parallel runs) means another try on another port.
    """
    directory.mkdir(parents=True, exist_ok=True)
    for attempt in range(attempts):
        port = free_port()
        ports = ["port 0", f"tls-port {port}"] if tls else [f"port {port}"]
        conf = directory / "redis.conf"
        conf.write_text(
            "\n".join(
                [
                    *ports,
                    "bind 127.0.0.1",
                    f'dir "{directory}"',
                    'logfile "redis.log"',
                    "save ''",
                    "appendonly no",
                    *config,
                ]
            )
            + "\n"
        )
        args = [str(REDIS_SERVER), str(conf), *(["--sentinel"] if sentinel else [])]
        server = RedisProcess(
            port,
            directory,
            subprocess.Popen(args, cwd=directory, stdout=subprocess.DEVNULL),
            dict(client_options or {}),
        )
        try:
            wait_until(
                lambda s=server: s.process.poll() is not None or bool(s.client().ping()),
                what=f"redis-server on port {port} answering PING",
            )
        except TimeoutError:
            server.stop()
            raise
        if server.process.poll() is None:
            return server
        if attempt == attempts - 1:
            raise RuntimeError(f"redis-server did not start:\n{server.log()}")
    raise AssertionError("unreachable")


@contextmanager
def running(server: RedisProcess) -> Iterator[RedisProcess]:
    """Stop the server however the block ends."""
    try:
        yield server
    finally:
        server.stop()


# --- a throwaway certificate authority ---------------------------------------------------------


@dataclass(frozen=True)
class Certificates:
    """PEM files: a CA, a server certificate for ``localhost`` (no IP) it signed, a client
    certificate it signed, and an unrelated CA that signed nothing here."""

    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path
    other_ca: Path


def make_certificates(directory: Path) -> Certificates:
    """Write a throwaway CA and certificates under ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    try:
        import cryptography  # noqa: F401
    except ImportError:
        return _with_openssl(directory)
    return _with_cryptography(directory)


def _with_cryptography(directory: Path) -> Certificates:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.now(UTC)

    def key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
        return key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def name(common: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])

    def authority(common: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (
            x509.CertificateBuilder()
            .subject_name(name(common))
            .issuer_name(name(common))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    key_cert_sign=True,
                    crl_sign=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
            .sign(key, hashes.SHA256())
        )
        return key, cert

    def leaf(
        ca_key: ec.EllipticCurvePrivateKey,
        ca_cert: x509.Certificate,
        common: str,
        usage: x509.ObjectIdentifier,
        sans: list[x509.GeneralName],
    ) -> tuple[bytes, bytes]:
        key = ec.generate_private_key(ec.SECP256R1())
        builder = (
            x509.CertificateBuilder()
            .subject_name(name(common))
            .issuer_name(ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
            )
        )
        if sans:
            builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
        cert = builder.sign(ca_key, hashes.SHA256())
        return cert.public_bytes(serialization.Encoding.PEM), key_pem(key)

    ca_key, ca_cert = authority("bdtest CA")
    _, other = authority("bdtest other CA")
    server = leaf(
        ca_key, ca_cert, "localhost", ExtendedKeyUsageOID.SERVER_AUTH, [x509.DNSName("localhost")]
    )
    client = leaf(ca_key, ca_cert, "bdtest-client", ExtendedKeyUsageOID.CLIENT_AUTH, [])
    pem = serialization.Encoding.PEM
    return _write(
        directory,
        ca=ca_cert.public_bytes(pem),
        server=server,
        client=client,
        other_ca=other.public_bytes(pem),
    )


def _with_openssl(directory: Path) -> Certificates:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("neither the cryptography package nor the openssl CLI is available")

    def run(*args: str) -> None:
        subprocess.run([openssl, *args], cwd=directory, check=True, capture_output=True)

    def authority(stem: str, common: str) -> None:
        run(*_OPENSSL_KEY, "-out", f"{stem}.key")
        run(
            "req", "-x509", "-new", "-key", f"{stem}.key", "-sha256", "-days", "1",
            "-subj", f"/CN={common}", "-out", f"{stem}.pem",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature",
        )  # fmt: skip

    def leaf(stem: str, common: str, extensions: str) -> None:
        (directory / f"{stem}.ext").write_text(extensions)
        run(*_OPENSSL_KEY, "-out", f"{stem}.key")
        run("req", "-new", "-key", f"{stem}.key", "-subj", f"/CN={common}", "-out", f"{stem}.csr")
        run(
            "x509", "-req", "-in", f"{stem}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-days", "1", "-sha256", "-extfile", f"{stem}.ext",
            "-out", f"{stem}.pem",
        )  # fmt: skip

    authority("ca", "bdtest CA")
    authority("other-ca", "bdtest other CA")
    leaf(
        "server",
        "localhost",
        "basicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\n"
        "subjectAltName=DNS:localhost\nauthorityKeyIdentifier=keyid\n",
    )
    leaf(
        "client",
        "bdtest-client",
        "basicConstraints=critical,CA:FALSE\nextendedKeyUsage=clientAuth\n"
        "authorityKeyIdentifier=keyid\n",
    )
    return Certificates(
        ca=directory / "ca.pem",
        server_cert=directory / "server.pem",
        server_key=directory / "server.key",
        client_cert=directory / "client.pem",
        client_key=directory / "client.key",
        other_ca=directory / "other-ca.pem",
    )


_OPENSSL_KEY = ("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256")


def _write(
    directory: Path,
    *,
    ca: bytes,
    server: tuple[bytes, bytes],
    client: tuple[bytes, bytes],
    other_ca: bytes,
) -> Certificates:
    files = {
        "ca.pem": ca,
        "server.pem": server[0],
        "server.key": server[1],
        "client.pem": client[0],
        "client.key": client[1],
        "other-ca.pem": other_ca,
    }
    for file_name, data in files.items():
        (directory / file_name).write_bytes(data)
    return Certificates(*(directory / file_name for file_name in files))


def tls_config(certs: Certificates, auth_clients: str = "no") -> list[str]:
    """Conf lines of a TLS-only server with ``certs`` (``auth_clients``: no, optional, yes)."""
    return [
        f'tls-cert-file "{certs.server_cert}"',
        f'tls-key-file "{certs.server_key}"',
        f'tls-ca-cert-file "{certs.ca}"',
        f"tls-auth-clients {auth_clients}",
        "tls-replication yes",
    ]


def tls_client_options(certs: Certificates, *, client_cert: bool = False) -> dict[str, Any]:
    """What a direct test client needs to reach a server with ``certs``."""
    options: dict[str, Any] = {
        "ssl": True,
        "ssl_ca_certs": str(certs.ca),
        "ssl_check_hostname": False,  # the test client connects by IP; the bot's never does
    }
    if client_cert:
        options.update(ssl_certfile=str(certs.client_cert), ssl_keyfile=str(certs.client_key))
    return options


# --- Sentinel ---------------------------------------------------------------------------------


@dataclass
class SentinelSet:
    """A master, its replica and one sentinel that watches them as ``master_name``."""

    master_name: str
    master: RedisProcess
    replica: RedisProcess
    sentinel: RedisProcess

    @property
    def url(self) -> str:
        return f"redis+sentinel://127.0.0.1:{self.sentinel.port}/{self.master_name}/0"

    def master_port(self) -> int:
        """The port the sentinel names as the master now."""
        _, port = self.sentinel.client().sentinel_get_master_addr_by_name(self.master_name)
        return int(port)

    def demote_old_master(self) -> None:
        """Do now what the sentinel does to a healthy old master about 10 s after a failover:
        make it a replica of the new master and drop its clients (``sentinelSendSlaveOf``)."""
        old = self.master.client()
        old.replicaof("127.0.0.1", self.replica.port)
        old.client_kill_filter(_type="normal", skipme=True)

    def stop(self) -> None:
        for server in (self.sentinel, self.replica, self.master):
            server.stop()


def start_sentinel_set(directory: Path, master_name: str = "bdtest") -> SentinelSet:
    """Start master, replica and sentinel; return once the sentinel knows the synced replica.

    ``down-after-milliseconds`` 1000 and ``failover-timeout`` 5000 keep a failover to seconds.
    """
    # no 5 s wait for more replicas before a diskless full sync (Redis 7's default)
    quick_sync = ["repl-diskless-sync-delay 0"]
    master = start_redis(directory / "master", quick_sync)
    started = [master]
    try:
        replica = start_redis(
            directory / "replica", [*quick_sync, f"replicaof 127.0.0.1 {master.port}"]
        )
        started.append(replica)
        wait_until(
            lambda: replica.client().info("replication").get("master_link_status") == "up",
            what="the replica syncing with the master",
        )
        sentinel = start_redis(
            directory / "sentinel",
            [
                f"sentinel monitor {master_name} 127.0.0.1 {master.port} 1",
                f"sentinel down-after-milliseconds {master_name} 1000",
                f"sentinel failover-timeout {master_name} 5000",
                f"sentinel parallel-syncs {master_name} 1",
            ],
            sentinel=True,
        )
        started.append(sentinel)

        def knows_replica() -> bool:
            replicas = sentinel.client().sentinel_slaves(master_name)
            return any(
                int(r["port"]) == replica.port and "disconnected" not in r["flags"]
                for r in replicas
            )

        wait_until(knows_replica, what="the sentinel discovering the replica")
    except BaseException:
        for server in started:
            server.stop()
        raise
    return SentinelSet(master_name, master, replica, sentinel)
