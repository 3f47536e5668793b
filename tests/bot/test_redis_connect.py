"""Managed Redis as people run it: TLS, ACL users, Sentinel failover, and cluster mode refused.

The servers are real (tests/support/redis_servers.py): a client option that redis-py ignores, or a
certificate it does not check, would pass against a mock.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from redis.sentinel import SentinelConnectionPool

from bot.config import Settings, load_bot_config
from bot.redis_connect import (
    RedisUnusable,
    check_usable,
    connect,
    endpoint_problem,
    parse_sentinel_url,
    redact,
    startup_problem,
)
from bot.redis_server import resolve
from bot.wiring import build_pipeline_from_environment, build_redis, build_worker
from tests.support.redis_servers import (
    Certificates,
    RedisProcess,
    SentinelSet,
    make_certificates,
    needs_redis_server,
    running,
    start_redis,
    start_sentinel_set,
    tls_client_options,
    tls_config,
    wait_until,
)

PASSWORD = "Hunter2-s3cret"  # what must never show in a message or a log line


def settings(**values: Any) -> Settings:
    """Settings with no Redis value from the environment or a .env file."""
    unset = dict.fromkeys(
        name
        for name in Settings.model_fields
        if name.startswith("redis_") and name != "redis_prefix"
    )
    return Settings(_env_file=None, **{**unset, **values})  # type: ignore[call-arg]


def key() -> str:
    return f"bdtest-{uuid.uuid4().hex[:8]}"


# --- URLs and settings, no server --------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("rediss://app:pw@host:6380/0", "rediss://app:***@host:6380/0"),
        ("redis://:pw@host/0", "redis://:***@host/0"),
        ("redis://host:6379/0", "redis://host:6379/0"),
        ("redis://app@host/0", "redis://app@host/0"),
        ("redis://app:p@ss/w:rd@host/1", "redis://app:***@host/1"),
        ("redis://host/0?password=pw&db=1", "redis://host/0?password=***&db=1"),
        (
            "rediss+sentinel://app:pw@s1:26379,s2:26379/mymaster/2",
            "rediss+sentinel://app:***@s1:26379,s2:26379/mymaster/2",
        ),
    ],
)
def test_redact_hides_every_password(url: str, shown: str) -> None:
    assert redact(url) == shown


def test_a_sentinel_url_names_the_sentinels_the_master_and_the_db() -> None:
    target = parse_sentinel_url("rediss+sentinel://app:p%40ss@s1:26380,s2,[::1]:26381/mymaster/3")
    assert target.sentinels == [("s1", 26380), ("s2", 26379), ("::1", 26381)]
    assert (target.master, target.db, target.tls) == ("mymaster", 3, True)
    assert (target.username, target.password) == ("app", "p@ss")
    plain = parse_sentinel_url("redis+sentinel://s1/mymaster")
    assert (plain.db, plain.tls, plain.username, plain.password) == (0, False, None, None)


@pytest.mark.parametrize(
    "url",
    [
        "redis+sentinel://s1:26379",
        "redis+sentinel://s1:26379/",
        "redis+sentinel://s1:26379/mymaster/zero",
        "redis+sentinel://s1:port/mymaster",
        "redis+sentinel://s1:26379/mymaster/0?socket_timeout=1",
    ],
)
def test_a_sentinel_url_that_cannot_work_is_refused_with_the_form_to_use(url: str) -> None:
    with pytest.raises(RedisUnusable, match="host1:26379,host2:26379/<master name>"):
        parse_sentinel_url(url)


@pytest.mark.parametrize(
    ("host", "kind"),
    [
        ("bd-abc123.serverless.use1.cache.amazonaws.com", "ElastiCache Serverless"),
        ("clustercfg.bd.abc123.memorydb.us-east-1.amazonaws.com", "MemoryDB"),
        ("clustercfg.bd.abc123.use1.cache.amazonaws.com", "configuration endpoint"),
    ],
)
def test_aws_cluster_endpoints_are_refused_before_connecting(host: str, kind: str) -> None:
    problem = startup_problem(f"rediss://app:{PASSWORD}@{host}:6379/0", settings())
    assert problem is not None
    assert kind in problem
    assert "cluster mode disabled" in problem  # what to use instead
    assert PASSWORD not in problem


def test_an_elasticache_primary_endpoint_is_not_refused_by_its_name() -> None:
    assert endpoint_problem("rediss://master.bd.abc123.use1.cache.amazonaws.com:6379") is None
    assert endpoint_problem("redis+sentinel://s1,s2/mymaster") is None


@pytest.mark.parametrize(
    ("url", "values", "says"),
    [
        ("memcached://h", {}, "unknown scheme"),
        ("redis://h", {"redis_ca_file": Path("ca.pem")}, "REDIS_CA_FILE is set but"),
        ("rediss://h", {"redis_ca_file": Path("/nonexistent/ca.pem")}, "no such file"),
        ("rediss://h", {"redis_client_cert_file": Path(__file__)}, "both"),
        ("rediss://h/0?ssl_cert_reqs=none", {}, "turns certificate checks off"),
        ("rediss://h/0?ssl_check_hostname=false", {}, "turns certificate checks off"),
    ],
)
def test_settings_that_cannot_work_are_refused_at_start(
    url: str, values: dict[str, Any], says: str
) -> None:
    with pytest.raises(RedisUnusable, match=says):
        connect(url, settings(**values))
    assert says in (startup_problem(url, settings(**values)) or "")


def test_empty_redis_variables_mean_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("REDIS_CA_FILE", "REDIS_USERNAME", "REDIS_PASSWORD", "REDIS_SENTINEL_PASSWORD"):
        monkeypatch.setenv(name, "")
    loaded = Settings(_env_file=None)  # type: ignore[call-arg]
    assert (loaded.redis_ca_file, loaded.redis_username, loaded.redis_password) == (None,) * 3


def test_the_queue_connection_has_no_socket_timeout_and_the_others_do() -> None:
    queue = connect("redis://h:6379/0", settings(), for_queue=True)
    other = build_redis("redis://h:6379/0", settings())
    assert queue.connection_pool.connection_kwargs.get("socket_timeout") is None
    assert other.connection_pool.connection_kwargs["socket_timeout"] == 5
    assert other.connection_pool.connection_kwargs["socket_connect_timeout"] == 2


def test_every_client_of_the_worker_and_the_cli_goes_through_connect(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = "redis+sentinel://127.0.0.1:1/mymaster/0"  # nothing is contacted while building
    config = load_bot_config(Path("deploy/backup-doctor.example.yaml"))
    context = build_worker(settings(), config, url)
    assert isinstance(context.rq_redis.connection_pool, SentinelConnectionPool)
    assert context.rq_redis.connection_pool.connection_kwargs.get("socket_timeout") is None
    store_pool = context.store._redis.connection_pool
    assert isinstance(store_pool, SentinelConnectionPool)
    assert store_pool.connection_kwargs["socket_timeout"] == 5

    for name in ("REDIS_CA_FILE", "REDIS_USERNAME", "REDIS_PASSWORD", "REDIS_SENTINEL_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REDIS_URL", url)
    monkeypatch.setenv("CONFIG_FILE", "deploy/backup-doctor.example.yaml")
    pipeline = build_pipeline_from_environment()
    assert isinstance(pipeline._decoder._redis.connection_pool, SentinelConnectionPool)


def test_a_sentinel_client_asks_the_sentinels_with_their_password_and_tls(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("not read until a connection is made")
    client = connect(
        f"rediss+sentinel://app:{PASSWORD}@s1:26379,s2:26380/mymaster/2",
        settings(redis_ca_file=ca, redis_sentinel_password="sentinel-pw"),
    )
    pool = client.connection_pool
    assert isinstance(pool, SentinelConnectionPool)
    assert pool.service_name == "mymaster"
    node = pool.connection_kwargs
    assert (node["db"], node["username"], node["password"]) == (2, "app", PASSWORD)
    assert (node["ssl_ca_certs"], node["ssl_cert_reqs"]) == (str(ca), "required")
    asking = [s.connection_pool.connection_kwargs for s in pool.sentinel_manager.sentinels]
    assert [(a["host"], a["port"]) for a in asking] == [("s1", 26379), ("s2", 26380)]
    assert all(a["password"] == "sentinel-pw" and a["ssl_ca_certs"] == str(ca) for a in asking)
    assert PASSWORD not in repr(client)


# --- TLS ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    return make_certificates(tmp_path_factory.mktemp("certs"))


@pytest.fixture(scope="module")
def tls_server(certs: Certificates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    if not Path("/usr/bin/redis-server").exists():
        pytest.skip("/usr/bin/redis-server is missing")
    with running(
        start_redis(
            tmp_path_factory.mktemp("tls"),
            tls_config(certs),
            tls=True,
            client_options=tls_client_options(certs),
        )
    ) as server:
        yield server.port


@needs_redis_server
def test_tls_with_the_ca_file_works(certs: Certificates, tls_server: int) -> None:
    url = f"rediss://localhost:{tls_server}/0"
    client = connect(url, settings(redis_ca_file=certs.ca))
    name = key()
    assert client.set(name, "v", ex=30)
    assert client.get(name) == b"v"
    assert startup_problem(url, settings(redis_ca_file=certs.ca)) is None


@needs_redis_server
@pytest.mark.parametrize(
    ("host", "which_ca"),
    [("localhost", None), ("localhost", "other_ca"), ("127.0.0.1", "ca")],
    ids=["no-ca-file", "wrong-ca", "wrong-hostname"],
)
def test_tls_that_cannot_be_verified_fails_and_says_what_to_do(
    certs: Certificates, tls_server: int, host: str, which_ca: str | None
) -> None:
    values = {"redis_ca_file": getattr(certs, which_ca)} if which_ca else {}
    url = f"rediss://app:{PASSWORD}@{host}:{tls_server}/0"
    with pytest.raises(redis.ConnectionError, match="certificate verify failed") as failed:
        connect(url, settings(**values)).ping()
    problem = startup_problem(url, settings(**values))
    assert problem is not None
    assert "REDIS_CA_FILE" in problem
    assert "a host name the certificate names" in problem
    assert PASSWORD not in problem
    assert PASSWORD not in str(failed.value)


@needs_redis_server
def test_a_client_certificate_is_sent_when_configured(
    certs: Certificates, tmp_path_factory: pytest.TempPathFactory
) -> None:
    with running(
        start_redis(
            tmp_path_factory.mktemp("mtls"),
            tls_config(certs, auth_clients="yes"),
            tls=True,
            client_options=tls_client_options(certs, client_cert=True),
        )
    ) as server:
        url = f"rediss://localhost:{server.port}/0"
        without = settings(redis_ca_file=certs.ca)
        with pytest.raises(redis.ConnectionError):
            connect(url, without).ping()
        with_cert = settings(
            redis_ca_file=certs.ca,
            redis_client_cert_file=certs.client_cert,
            redis_client_key_file=certs.client_key,
        )
        assert connect(url, with_cert).ping() is True


@needs_redis_server
def test_tls_sentinel_finds_and_verifies_a_tls_master(certs: Certificates, tmp_path: Path) -> None:
    """Sentinels announce host names (announce-hostnames) so the master's certificate can match."""
    options = tls_client_options(certs)
    with (
        running(
            start_redis(tmp_path / "m", tls_config(certs), tls=True, client_options=options)
        ) as master,
        running(
            start_redis(
                tmp_path / "s",
                [
                    *tls_config(certs),
                    "sentinel resolve-hostnames yes",
                    "sentinel announce-hostnames yes",
                    f"sentinel monitor bdtest localhost {master.port} 1",
                ],
                tls=True,
                sentinel=True,
                client_options=options,
            )
        ) as sentinel,
    ):
        url = f"rediss+sentinel://localhost:{sentinel.port}/bdtest/0"
        with_ca = settings(redis_ca_file=certs.ca)
        name = key()
        assert connect(url, with_ca).set(name, "v", ex=30)
        assert master.client().get(name) == b"v"
        assert startup_problem(url, with_ca) is None
        assert "REDIS_CA_FILE" in (startup_problem(url, settings()) or "")


# --- ACL users ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def acl_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisProcess]:
    if not Path("/usr/bin/redis-server").exists():
        pytest.skip("/usr/bin/redis-server is missing")
    with running(
        start_redis(
            tmp_path_factory.mktemp("acl"),
            [f"user app on >{PASSWORD} ~bdtest* &* +@all", "user default off"],
            client_options={"username": "app", "password": PASSWORD},
        )
    ) as server:
        yield server


@needs_redis_server
@pytest.mark.parametrize("where", ["url", "settings"])
def test_an_acl_user_works_from_the_url_or_the_settings(
    acl_server: RedisProcess, where: str
) -> None:
    if where == "url":
        url, values = f"redis://app:{PASSWORD}@127.0.0.1:{acl_server.port}/0", {}
    else:
        url = f"redis://127.0.0.1:{acl_server.port}/0"
        values = {"redis_username": "app", "redis_password": PASSWORD}
    client = connect(url, settings(**values))
    name = key()
    assert client.set(name, "v", ex=30)
    assert client.get(name) == b"v"
    assert startup_problem(url, settings(**values)) is None


@needs_redis_server
def test_the_url_user_wins_over_the_settings(acl_server: RedisProcess) -> None:
    url = f"redis://app:{PASSWORD}@127.0.0.1:{acl_server.port}/0"
    assert connect(url, settings(redis_username="nobody", redis_password="wrong")).ping()


@needs_redis_server
@pytest.mark.parametrize("where", ["url", "settings"])
def test_a_wrong_password_is_refused_and_never_shown(
    acl_server: RedisProcess, where: str, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = "Wrong-" + PASSWORD
    if where == "url":
        url, values = f"redis://app:{wrong}@127.0.0.1:{acl_server.port}/0", {}
    else:
        url = f"redis://127.0.0.1:{acl_server.port}/0"
        values = {"redis_username": "app", "redis_password": wrong}
    caplog.set_level(logging.DEBUG)
    resolve(url, Path("unused"))  # logs where Redis is
    with pytest.raises(redis.AuthenticationError) as refused:
        connect(url, settings(**values)).ping()
    problem = startup_problem(url, settings(**values))
    assert problem is not None
    assert "refused the user or password" in problem
    shown = [problem, str(refused.value), caplog.text, repr(settings(**values))]
    assert not [text for text in shown if PASSWORD in text]
    if where == "url":
        assert "app:***@" in caplog.text


# --- Sentinel ----------------------------------------------------------------------------------


@pytest.fixture
def sentinels(tmp_path: Path) -> Iterator[SentinelSet]:
    if not Path("/usr/bin/redis-server").exists():
        pytest.skip("/usr/bin/redis-server is missing")
    found = start_sentinel_set(tmp_path)
    yield found
    found.stop()


def write_until_it_works(client: redis.Redis, name: str, value: str) -> None:
    """What any caller of the bot's Redis sees in a failover: errors for a moment, then writes."""
    for _ in range(50):
        try:
            client.set(name, value, ex=60)
            return
        except (redis.ConnectionError, redis.TimeoutError, redis.ReadOnlyError):
            time.sleep(0.1)
    pytest.fail("the client never wrote to the new master")


@needs_redis_server
def test_a_sentinel_client_follows_the_master_through_a_failover(sentinels: SentinelSet) -> None:
    client = build_redis(sentinels.url, settings())
    assert startup_problem(sentinels.url, settings()) is None
    before = key()
    assert client.set(before, "1", ex=60)
    assert sentinels.master.client().get(before) == b"1"  # it wrote through the master

    sentinels.sentinel.client().execute_command("SENTINEL FAILOVER", sentinels.master_name)
    wait_until(lambda: sentinels.master_port() == sentinels.replica.port, what="the failover")
    sentinels.demote_old_master()

    after = key()
    write_until_it_works(client, after, "2")
    assert sentinels.replica.client().get(after) == b"2"  # the promoted replica has it
    assert sentinels.replica.client().info("replication")["role"] == "master"
    assert client.get(before) == b"1"


@needs_redis_server
def test_a_sentinel_client_follows_when_the_master_dies(sentinels: SentinelSet) -> None:
    client = build_redis(sentinels.url, settings())
    assert client.set(key(), "1", ex=60)
    sentinels.master.process.kill()

    after = key()
    write_until_it_works(client, after, "2")  # the sentinel fails over after 1 s down
    assert sentinels.replica.client().get(after) == b"2"
    assert sentinels.master_port() == sentinels.replica.port


@needs_redis_server
def test_rq_can_rebuild_the_sentinel_connection_in_its_scheduler(sentinels: SentinelSet) -> None:
    """rq's scheduler process rebuilds its connection from the pool's class and kwargs."""
    from redis import ConnectionPool
    from rq.connections import parse_connection

    client = connect(sentinels.url, settings(), for_queue=True)
    client_class, connection_class, kwargs = parse_connection(client)
    rebuilt = client_class(
        connection_pool=ConnectionPool(connection_class=connection_class, **kwargs)
    )
    name = key()
    assert rebuilt.set(name, "v", ex=30)
    assert sentinels.master.client().get(name) == b"v"


@needs_redis_server
def test_an_unknown_master_name_or_sentinel_password_is_a_startup_problem(
    sentinels: SentinelSet,
) -> None:
    wrong_name = sentinels.url.replace(f"/{sentinels.master_name}/", "/nosuchmaster/")
    problem = startup_problem(wrong_name, settings())
    assert problem is not None
    assert "knows no master named 'nosuchmaster'" in problem
    assert sentinels.master_name in problem  # the names it does know

    sentinels.sentinel.client().acl_setuser("default", enabled=True, passwords=["+sentinel-pw"])
    problem = startup_problem(sentinels.url, settings(redis_sentinel_password="wrong"))
    assert problem is not None
    assert "REDIS_SENTINEL_PASSWORD" in problem
    assert startup_problem(sentinels.url, settings(redis_sentinel_password="sentinel-pw")) is None


@needs_redis_server
def test_unreachable_is_not_a_startup_problem() -> None:
    """The entry points retry an unreachable Redis; only what retrying cannot fix is refused."""
    from tests.support.redis_servers import free_port

    port = free_port()
    assert startup_problem(f"redis://127.0.0.1:{port}/0", settings()) is None
    assert startup_problem(f"redis+sentinel://127.0.0.1:{port}/mymaster/0", settings()) is None


# --- cluster mode ------------------------------------------------------------------------------


@needs_redis_server
def test_a_cluster_mode_redis_is_refused_with_what_to_use_instead(tmp_path: Path) -> None:
    with running(
        start_redis(tmp_path, ["cluster-enabled yes", 'cluster-config-file "nodes.conf"'])
    ) as server:
        url = f"redis://127.0.0.1:{server.port}/0"
        with pytest.raises(RedisUnusable, match="cluster mode") as refused:
            check_usable(connect(url, settings()))
        assert "Sentinel" in str(refused.value)
        assert "cluster mode disabled" in str(refused.value)
        assert startup_problem(url, settings()) == str(refused.value)


@needs_redis_server
def test_a_plain_redis_is_usable(acl_server: RedisProcess) -> None:
    check_usable(acl_server.client())
