"""Every Redis client of the bot is built here, so every process reaches managed Redis alike.

The forms people run (deploy/README.md, "Supported Redis forms"):

- ``redis://`` and ``rediss://`` (TLS). Certificates are always verified: against the system's
  trust store, or against ``REDIS_CA_FILE`` for a private CA. A client certificate is optional.
- ACL users: ``rediss://user:password@host:6380/0``, or ``REDIS_USERNAME`` / ``REDIS_PASSWORD``
  (what the URL says wins).
- Sentinel: ``redis+sentinel://[user:password@]host1:26379,host2:26379/<master name>/<db>``
  (``rediss+sentinel://`` for TLS). The client asks the sentinels for the master on every new
  connection, so after a failover it follows the new master by itself.

Redis Cluster (so also ElastiCache Serverless and MemoryDB) is refused at start
(``startup_problem``): rq uses multi-key commands and Lua scripts over keys that cluster mode
spreads over slots, and it would fail later, on the first fix, with CROSSSLOT errors.

A URL may carry a password: log only ``redact(url)``.
"""

from __future__ import annotations

import re
import ssl
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from redis.sentinel import MasterNotFoundError, Sentinel

from bot.config import Settings

PLAIN_SCHEMES = {"redis": False, "rediss": True, "unix": False}
SENTINEL_SCHEMES = {"redis+sentinel": False, "rediss+sentinel": True}
DEFAULT_SENTINEL_PORT = 26379

#: what to use instead of a cluster-mode Redis, said in every refusal
INSTEAD = (
    "Use a Redis without cluster mode: an ElastiCache replication group with cluster mode "
    "disabled (its primary endpoint, with Multi-AZ failover), a single Redis/Valkey, or Redis "
    "Sentinel (redis+sentinel://host1:26379,host2:26379/<master name>/0)"
)
CLUSTER_MODE = (
    "{where} runs in cluster mode, which the bot's queue (rq) cannot use: it runs multi-key "
    "commands and Lua scripts that cluster mode refuses across hash slots. " + INSTEAD
)

_QUERY_PASSWORD = re.compile(r"(?i)([?&][^=&#]*password=)[^&#]*")


class RedisUnusable(Exception):
    """This Redis, or these Redis settings, cannot serve the bot; the message says what to do."""


@dataclass(frozen=True)
class SentinelTarget:
    """What a ``redis+sentinel://`` URL names: the sentinels, the master's name and the db."""

    sentinels: list[tuple[str, int]]
    master: str
    db: int
    username: str | None
    password: str | None
    tls: bool


def redact(url: str) -> str:
    """The URL with any password replaced by ``***``: the only form of it fit for logs."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    # the last "@" ends the user info even when an unencoded password holds "@" or "/"
    userinfo, at, hosts = rest.rpartition("@")
    if at and ":" in userinfo:
        rest = f"{userinfo.partition(':')[0]}:***@{hosts}"
    return _QUERY_PASSWORD.sub(r"\1***", f"{scheme}://{rest}")


def connect(
    url: str,
    settings: Settings,
    *,
    socket_timeout: float | None = 5.0,
    for_queue: bool = False,
    retry: Retry | None = None,
) -> redis.Redis:
    """A pooled client for ``url`` with short timeouts: a dead Redis must fail fast, not hang.

    ``for_queue``: rq's own connection, with no socket timeout, since it blocks on the queue
    (rq sets the timeout it needs itself). ``retry``: redis-py's default (3 tries with backoff,
    which carries a command over a Sentinel failover) unless given. Raises ``RedisUnusable`` for
    settings that cannot work; nothing here connects yet.
    """
    scheme = _scheme(url)
    options: dict[str, Any] = {"socket_connect_timeout": 2}
    if retry is not None:
        options["retry"] = retry
    if not for_queue:
        options.update(socket_timeout=socket_timeout, health_check_interval=30)
        options.update(retry_on_timeout=True)
    if settings.redis_username:
        options["username"] = settings.redis_username
    if settings.redis_password:
        options["password"] = settings.redis_password.get_secret_value()
    if scheme in SENTINEL_SCHEMES:
        return _sentinel_client(parse_sentinel_url(url), settings, options)
    if scheme not in PLAIN_SCHEMES:
        raise RedisUnusable(
            f"REDIS_URL {redact(url)}: unknown scheme {scheme}://; use redis://, rediss:// "
            "(TLS), redis+sentinel:// or rediss+sentinel://"
        )
    _refuse_unverified(url)
    # from_url lets what the URL says (user, password, db) win over these keyword arguments
    return redis.Redis.from_url(url, **options, **_tls_options(PLAIN_SCHEMES[scheme], settings))


def check_usable(client: redis.Redis) -> None:
    """Raise ``RedisUnusable`` when this Redis runs in cluster mode.

    Returns when it can serve the bot, or when it cannot say (INFO renamed or not permitted).
    Connection errors are the caller's: an unreachable Redis is retried, not refused.
    """
    try:
        info = client.info("cluster")
    except redis.ResponseError:  # NOPERM, or INFO renamed away
        return
    if str(info.get("cluster_enabled", "0")) == "1":
        raise RedisUnusable(CLUSTER_MODE.format(where="This Redis"))


def startup_problem(url: str, settings: Settings) -> str | None:
    """Why the bot cannot use the Redis at ``url``, in one line; None when it can.

    None too when Redis does not answer now: the entry points retry that. What retrying cannot
    fix is a problem: cluster mode, refused credentials, a certificate that fails verification,
    a Sentinel master name the sentinels do not know.
    """
    problem = endpoint_problem(url)
    if problem:
        return problem
    try:
        # one try: an unreachable Redis is the caller's to retry, at its own pace
        client = connect(url, settings, retry=Retry(NoBackoff(), 0))
    except RedisUnusable as exc:
        return str(exc)
    try:
        check_usable(client)
    except RedisUnusable as exc:
        return str(exc)
    except redis.AuthenticationError:
        return (
            f"Redis at {redact(url)} refused the user or password: check them in REDIS_URL "
            "(or REDIS_USERNAME / REDIS_PASSWORD); the ACL user needs "
            "~<REDIS_PREFIX>* ~rq:* &* +@all."
        )
    except MasterNotFoundError:
        return _sentinel_problem(url, client)
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        return _tls_problem(url, exc)
    finally:
        client.close()
    return None


def endpoint_problem(url: str) -> str | None:
    """A refusal read from the host name alone, before connecting: AWS names cluster endpoints."""
    scheme = _scheme(url)
    try:
        hosts = (
            [host for host, _ in parse_sentinel_url(url).sentinels]
            if scheme in SENTINEL_SCHEMES
            else [urlsplit(url).hostname or ""]
        )
    except (RedisUnusable, ValueError):
        return None  # connect() says what is wrong with the URL
    for host in (h.lower() for h in hosts):
        if ".serverless." in host and ".cache.amazonaws.com" in host:
            return CLUSTER_MODE.format(where=f"{host} is ElastiCache Serverless, which always")
        if ".memorydb." in host and host.endswith((".amazonaws.com", ".amazonaws.com.cn")):
            return CLUSTER_MODE.format(where=f"{host} is MemoryDB, which always")
        if host.startswith("clustercfg.") and ".cache.amazonaws.com" in host:
            return CLUSTER_MODE.format(
                where=f"{host} is the configuration endpoint of an ElastiCache cluster that"
            )
    return None


def parse_sentinel_url(url: str) -> SentinelTarget:
    """``redis+sentinel://[user:password@]host1:26379,host2:26379/<master name>[/<db>]``."""
    scheme, _, rest = url.partition("://")
    form = f"use {scheme}://host1:26379,host2:26379/<master name>/<db>"
    if "?" in rest or "#" in rest:
        raise RedisUnusable(
            f"REDIS_URL {redact(url)}: a Sentinel URL takes no ?options; "
            f"{form} and the REDIS_* settings"
        )
    userinfo, at, hosts_and_path = rest.rpartition("@")
    hosts, _, path = hosts_and_path.partition("/")
    parts = path.split("/") if path else []
    if not parts or not parts[0] or len(parts) > 2:
        raise RedisUnusable(f"REDIS_URL {redact(url)} does not name the master: {form}")
    db = parts[1] if len(parts) == 2 and parts[1] else "0"
    if not db.isdigit():
        raise RedisUnusable(f"REDIS_URL {redact(url)}: the db must be a number: {form}")
    user, _, password = userinfo.partition(":") if at else ("", "", "")
    return SentinelTarget(
        sentinels=[_host_port(item, url, form) for item in hosts.split(",")],
        master=unquote(parts[0]),
        db=int(db),
        username=unquote(user) or None,
        password=unquote(password) or None,
        tls=SENTINEL_SCHEMES[scheme],
    )


def _scheme(url: str) -> str:
    return url.partition("://")[0].lower() if "://" in url else ""


def _host_port(item: str, url: str, form: str) -> tuple[str, int]:
    if item.startswith("["):  # [::1]:26379
        host, _, port = item[1:].partition("]")
        port = port.removeprefix(":")
    else:
        host, _, port = item.partition(":")
    if not host or (port and not port.isdigit()):
        raise RedisUnusable(f"REDIS_URL {redact(url)}: {item!r} is not host:port; {form}")
    return host, int(port or DEFAULT_SENTINEL_PORT)


def _tls_options(tls: bool, settings: Settings) -> dict[str, Any]:
    files = {
        "REDIS_CA_FILE": settings.redis_ca_file,
        "REDIS_CLIENT_CERT_FILE": settings.redis_client_cert_file,
        "REDIS_CLIENT_KEY_FILE": settings.redis_client_key_file,
    }
    if not tls:
        named = [name for name, path in files.items() if path]
        if named:
            raise RedisUnusable(
                f"{', '.join(named)} is set but REDIS_URL does not use TLS: "
                "use rediss:// (or rediss+sentinel://), or unset it"
            )
        return {}
    missing = [f"{name}={path}" for name, path in files.items() if path and not path.is_file()]
    if missing:
        raise RedisUnusable(
            f"{', '.join(missing)}: no such file; mount it (from a Secret) or unset the setting"
        )
    cert, key = settings.redis_client_cert_file, settings.redis_client_key_file
    if bool(cert) != bool(key):
        raise RedisUnusable("set both REDIS_CLIENT_CERT_FILE and REDIS_CLIENT_KEY_FILE, or neither")
    options: dict[str, Any] = {"ssl_cert_reqs": "required", "ssl_check_hostname": True}
    if settings.redis_ca_file:
        options["ssl_ca_certs"] = str(settings.redis_ca_file)
    if cert and key:
        options.update(ssl_certfile=str(cert), ssl_keyfile=str(key))
    return options


def _refuse_unverified(url: str) -> None:
    query = {k.lower(): v[-1].lower() for k, v in parse_qs(urlsplit(url).query).items()}
    if query.get("ssl_cert_reqs", "required") != "required" or query.get(
        "ssl_check_hostname", "true"
    ) in ("false", "0", "no", "n", "f"):
        raise RedisUnusable(
            f"REDIS_URL {redact(url)} turns certificate checks off, which the bot does not do: "
            "remove ssl_cert_reqs / ssl_check_hostname and, for a private CA, set REDIS_CA_FILE"
        )


def _sentinel_client(
    target: SentinelTarget, settings: Settings, options: dict[str, Any]
) -> redis.Redis:
    tls = _tls_options(target.tls, settings)
    node = {**options, **tls, "db": target.db, "ssl": target.tls}
    if target.username:
        node["username"] = target.username
    if target.password:
        node["password"] = target.password
    # the sentinels' own connections: short answers, so always a socket timeout
    asking: dict[str, Any] = {"socket_connect_timeout": 2, "socket_timeout": 5, **tls}
    if "retry" in options:
        asking["retry"] = options["retry"]
    if target.tls:
        asking["ssl"] = True
    if settings.redis_sentinel_password:
        asking["password"] = settings.redis_sentinel_password.get_secret_value()
    sentinel = Sentinel(target.sentinels, sentinel_kwargs=asking, **node)  # type: ignore[no-untyped-call]
    client: redis.Redis = sentinel.master_for(target.master, redis_class=redis.Redis)  # type: ignore[no-untyped-call]
    return client


def _sentinel_problem(url: str, client: redis.Redis) -> str | None:
    """The sentinels found no master: a wrong name or password is a problem, silence is not."""
    target = parse_sentinel_url(url)
    manager: Sentinel = client.connection_pool.sentinel_manager  # type: ignore[attr-defined]
    sentinels: list[redis.Redis] = manager.sentinels
    for sentinel, (host, port) in zip(sentinels, target.sentinels, strict=True):
        try:
            masters = sentinel.sentinel_masters()
        except redis.AuthenticationError:
            return (
                f"Sentinel {host}:{port} refused the password: set REDIS_SENTINEL_PASSWORD to "
                "the sentinels' requirepass (the URL's password is the master's)."
            )
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            problem = _tls_problem(url, exc)
            if problem:
                return problem
            continue
        except redis.RedisError:
            continue
        finally:
            sentinel.close()
        names = set(masters) if isinstance(masters, dict) else {m["name"] for m in masters}
        if target.master not in names:
            known = ", ".join(sorted(names)) or "none"
            return (
                f"Sentinel {host}:{port} knows no master named {target.master!r} (it knows: "
                f"{known}): put the right name in REDIS_URL ({redact(url)})."
            )
    return None


def _tls_problem(url: str, exc: Exception) -> str | None:
    """A certificate that fails verification will fail again: say so; anything else is retried."""
    causes = [exc, exc.__cause__, exc.__context__]
    if not any(isinstance(c, ssl.SSLCertVerificationError) for c in causes) and (
        "CERTIFICATE_VERIFY_FAILED" not in str(exc)
    ):
        return None
    return (
        f"Redis at {redact(url)} sent a TLS certificate the bot cannot verify ({exc}): set "
        "REDIS_CA_FILE to the CA bundle that signed it, and connect by a host name the "
        "certificate names."
    )
