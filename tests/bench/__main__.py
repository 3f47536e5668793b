"""``python -m tests.bench [--duration SECONDS] [--quick]``: run every benchmark, print the table.

See docs/benchmarks.md for what each row measures and the latest results.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time

from bot.fixes.follow import FIRST_DELAY
from tests.bench import ack, answer, calls, manual, memory, worker
from tests.bench.env import AWS_LATENCY, BenchEnv
from tests.bench.stats import ms, percentile, table

Row = tuple[str, str, str, str]


def _verdict(ok: bool) -> str:
    return "yes" if ok else "**no**"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per ack load level")
    parser.add_argument("--quick", action="store_true", help="a short run (3 s levels, fewer)")
    parser.add_argument("--fixes", type=int, default=None, help="fixes per worker count (40)")
    args = parser.parse_args(argv)
    seconds = 3.0 if args.quick else args.duration
    answers = 20 if args.quick else 100
    manual_runs = 3 if args.quick else 10
    decodes = 1000 if args.quick else 10_000
    fixes = args.fixes or (8 if args.quick else 40)
    started = time.monotonic()
    rows: list[Row] = []
    cpus = os.cpu_count()
    with BenchEnv() as env:
        env.start_web()
        rq_worker = env.start_worker()
        mem = memory.idle(env, rq_worker.pid, decodes)
        assert env.aws is not None
        env.aws.admin.set_latency(AWS_LATENCY)
        _progress("ack latency")
        for r in ack.run(env, (1, 10, 50), seconds):
            target = "p99 < 50 ms (at 10), none > 3 s" if r.clients == 10 else "none > 3 s"
            ok = r.worst < 3.0 and r.errors == 0 and (r.clients != 10 or r.p(99) < 0.050)
            rows.append(
                (
                    f"ack, {r.clients} client(s), {r.seconds:g} s",
                    f"n={r.sent} p50 {ms(r.p(50))} p99 {ms(r.p(99))} max {ms(r.worst)} "
                    f"errors {r.errors}; cards {r.answered}/{len(r.latencies)}",
                    target,
                    _verdict(ok),
                )
            )
        _progress("time to answer")
        times = answer.run(env, answers)
        done = [t for t in times if not math.isnan(t)]
        bot_p50 = percentile(done, 50)
        rows.append(
            (
                f"time to answer, new blob, AWS {AWS_LATENCY * 1000:g} ms",
                f"n={len(times)} p50 {ms(bot_p50)} p99 {ms(percentile(done, 99))} "
                f"missing {len(times) - len(done)}",
                "p50 < 150 ms",
                _verdict(bot_p50 < 0.150 and len(done) == len(times)),
            )
        )
        _progress("manual path")
        man = manual.run(env, manual_runs)
        man_p50 = percentile(man.times, 50)
        rows.append(
            (
                f"manual: aws sts decode-authorization-message + {man.formatter}",
                f"n={len(man.times)} p50 {ms(man_p50)} (x{man_p50 / bot_p50:.1f} the bot's p50)",
                "(comparison)",
                "-",
            )
        )
        _progress("AWS calls")
        env.aws.admin.set_latency(0)
        counts = calls.run(env, AWS_LATENCY)
        rows += _call_rows(counts)
        _progress(f"memory ({decodes} decodes)")
        mem = memory.run(env, rq_worker.pid, mem)
        rows += _memory_rows(mem)
        _progress(f"worker ({fixes} fixes per worker count)")
        for w in worker.run(env, 1, (1, 4), fixes):
            rows.append(_worker_row(w))
    print()
    print(f"backup-doctor benchmarks: os.cpu_count() = {cpus}, python {sys.version.split()[0]}")
    print(f"command: python -m tests.bench {' '.join(sys.argv[1:] if argv is None else argv)}")
    print()
    print(table(rows))
    print(f"\n(total {time.monotonic() - started:.0f} s)")
    return 0


def _call_rows(c: calls.CallCounts) -> list[Row]:
    def fmt(d: dict[str, int]) -> str:
        return ", ".join(f"{k.split(':')[1]} {v}" for k, v in d.items()) or "none"

    decode, assume = calls.DECODE, calls.ASSUME
    wall = percentile(c.job_lookup_wall, 50)
    return [
        (
            "AWS calls: first decode in a cold account",
            fmt(c.first_decode),
            "AssumeRole 1 + Decode 1",
            _verdict(c.first_decode == {assume: 1, decode: 1}),
        ),
        (
            "AWS calls: new blob, warm account",
            fmt(c.new_blob_warm),
            "Decode 1",
            _verdict(c.new_blob_warm == {decode: 1}),
        ),
        (
            "AWS calls: repeated blob",
            fmt(c.repeated_blob),
            "none",
            _verdict(not c.repeated_blob),
        ),
        (
            "AWS calls: 2 new blobs in each of 3 accounts",
            fmt(c.three_accounts_twice),
            "AssumeRole 2 (1st account warm), Decode 6",
            _verdict(c.three_accounts_twice == {assume: 2, decode: 6}),
        ),
        (
            f"job-id lookup, 3 accounts x 2 regions, AWS {c.latency * 1000:g} ms",
            f"{fmt(c.job_lookup)} per lookup; wall p50 {ms(wall)}",
            "6 calls; wall ~ 1 round trip",
            _verdict(wall < 2 * c.latency),
        ),
    ]


def _memory_rows(mem: memory.MemoryResult) -> list[Row]:
    def mib(kib: int) -> str:
        return f"{kib / 1024:.0f}"

    phases = list(mem.web_kib)
    web = " -> ".join(
        f"{k} {mib(max(v))} ({'/'.join(mib(x) for x in v)}) MiB" for k, v in mem.web_kib.items()
    )
    # flat: no gunicorn worker grew by 10 % or more over the second half of the decodes
    flat = all(
        after - before < 0.1 * before
        for before, after in zip(mem.web_kib[phases[-2]], mem.web_kib[phases[-1]], strict=True)
    )
    wrk = " -> ".join(f"{k} {mib(v)} MiB" for k, v in mem.worker_kib.items())
    return [
        (
            f"RSS web, largest of {len(mem.web_pids)} gunicorn workers (each)",
            f"{web}; {mem.answered}/{mem.decodes} cards in {mem.seconds:.0f} s",
            "flat after warm-up",
            _verdict(flat),
        ),
        ("RSS worker (rq, idle: decodes run in web)", wrk, "flat", "-"),
    ]


def _worker_row(w: worker.WorkerResult) -> Row:
    return (
        f"worker: {w.fixes} approved fixes enqueued at once -> SUCCEEDED, {w.workers} worker(s)",
        f"{w.per_minute:.1f} fixes/min; enqueue -> done p50 {w.p(50):.2f} s p99 {w.p(99):.2f} s; "
        f"run p50 {w.run_p(50):.2f} s p99 {w.run_p(99):.2f} s (incl. {FIRST_DELAY:g} s "
        f"first poll delay); failed {w.failed}, unfinished {w.unfinished}",
        "(no target; all succeed)",
        _verdict(w.failed == 0 and w.unfinished == 0),
    )


def _progress(what: str) -> None:
    print(f"[bench] {what}...", file=sys.stderr, flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
