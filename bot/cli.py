"""``decode-backup-error``: the bot's diagnosis in a terminal, and the audit trail.

    decode-backup-error [TEXT | -] [--account ID] [--region NAME] [--offline] [--json]
    decode-backup-error audit [--request ID] [--json]

Exit status: 0 a diagnosis was produced, 2 the input is unusable, 1 an operational failure.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from bot.errors import BackupDoctorError
from bot.models import Diagnosis, ParsedInput
from bot.observability.metrics import COMMANDS
from bot.pipeline import parse

EXIT_OK, EXIT_FAILURE, EXIT_UNUSABLE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="decode-backup-error",
        description="Explain an AWS 'not authorized' error, an encoded message or a Backup job ID.",
        epilog="Subcommand: 'decode-backup-error audit [--request ID]' prints the audit trail.",
    )
    parser.add_argument("text", nargs="*", help="what you would paste into Slack, or - for stdin")
    parser.add_argument("--account", help="the 12-digit AWS account to use")
    parser.add_argument("--region", help="the AWS Region of the job")
    parser.add_argument("--offline", action="store_true", help="make no AWS call")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def main(argv: list[str] | None = None, stdin: TextIO | None = None) -> int:
    """Run the CLI; return the exit status."""
    args_list = sys.argv[1:] if argv is None else argv
    if args_list[:1] == ["audit"]:
        from bot.audit_cli import main as audit_main

        return audit_main(args_list[1:])
    args = _parser().parse_args(args_list)
    text = _read_text(args.text, stdin or sys.stdin)
    COMMANDS.labels(entry="cli").inc()
    try:
        parsed = parse(text, args.account, args.region)  # unusable input: said before any setup
        diagnosis = _offline(parsed) if args.offline else _online(parsed)
    except BackupDoctorError as exc:
        print(f"error: {exc.user_message}", file=sys.stderr)
        if exc.next_step:
            print(f"next: {exc.next_step}", file=sys.stderr)
        return exc.exit_code
    _print(diagnosis, as_json=args.json)
    return EXIT_OK


def _read_text(words: list[str], stdin: TextIO) -> str:
    if words == ["-"] or (not words and not stdin.isatty()):
        return stdin.read()
    return " ".join(words)


def _offline(parsed: ParsedInput) -> Diagnosis:
    """What the text itself says; what needs AWS (decoding, the job) is named as a next step."""
    from bot.diagnosis import diagnose

    return diagnose(parsed)


def _online(parsed: ParsedInput) -> Diagnosis:
    from bot.wiring import build_pipeline_from_environment

    return build_pipeline_from_environment().diagnose_parsed(parsed)


def _print(diagnosis: Diagnosis, *, as_json: bool) -> None:
    from bot.cli_text import render_text
    from bot.diagnosis import to_contract_json

    if as_json:
        print(json.dumps(to_contract_json(diagnosis), indent=2, default=str))
        return
    text = render_text(diagnosis)
    if sys.stdout.isatty():  # colour only for people, never in pipes or files
        headline, _, rest = text.partition("\n")
        text = f"\033[1m{headline}\033[0m\n{rest}"
    print(text)


if __name__ == "__main__":
    raise SystemExit(main())
