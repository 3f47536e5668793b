import redis


def test_redis_fixture_is_a_real_server_with_an_isolated_prefix(
    redis_client: redis.Redis, redis_prefix: str
) -> None:
    redis_client.set(f"{redis_prefix}:k", "v")
    assert redis_client.get(f"{redis_prefix}:k") == b"v"
    assert redis_client.ping() is True
