"""A local stand-in for the Slack Web API: a real HTTP server that records calls and answers them.

``slack_sdk`` clients reach it through ``base_url`` (the bot's ``SLACK_API_URL``). It answers the
methods the bot uses, serves ``response_url`` posts under ``/response/<id>``, and can be told to
fail
(429 with ``Retry-After``, 5xx) to test the bot's retries. It runs in a thread of the test process;
the processes under test reach it over loopback.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request, Response

BOT_USER_ID = "UBOTBACKUP"


@dataclass
class SlackCall:
    """One request the bot made: the method (or ``response_url``) and its arguments."""

    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)


class SlackStandin:
    """Records Web API calls; ``users`` and ``groups`` feed users.info / usergroups.users.list."""

    def __init__(self) -> None:
        self.calls: list[SlackCall] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.groups: dict[str, list[str]] = {}
        #: channels the bot is not a member of: posting there fails as Slack does
        self.not_in_channel: set[str] = set()
        #: what apps.connections.open hands out: the Socket Mode WebSocket URL
        self.socket_url: str | None = None
        self._faults: list[tuple[str, int, int]] = []  # (method or "*", status, retry_after)
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._ts = itertools.count(1)
        #: every message posted, as conversations.history / .replies return them
        self.messages: list[dict[str, Any]] = []
        #: method -> the Slack error its next call answers with (HTTP 200, ok: false)
        self._refusals: dict[str, str] = {}
        #: (method, channel) -> event: a matching call is recorded, then held until it is set
        self._holds: dict[tuple[str, str], threading.Event] = {}
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> SlackStandin:
        self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        """The Web API base URL, ending in a slash as ``slack_sdk`` expects."""
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_port}/api/"

    def response_url(self, name: str = "r1") -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_port}/response/{name}"

    # -- test API --------------------------------------------------------------------------
    def add_user(self, user_id: str, **profile: Any) -> None:
        """Register a workspace member (``deleted``, ``is_bot``, ``is_restricted``...)."""
        self.users[user_id] = {"id": user_id, "name": user_id.lower(), **profile}

    def fail_next(self, method: str = "*", status: int = 429, retry_after: int = 1) -> None:
        """Make the next call of ``method`` (or of any method) fail once with ``status``."""
        with self._lock:
            self._faults.append((method, status, retry_after))

    def refuse_next(self, method: str, error: str) -> None:
        """Answer the next call of ``method`` with ``{"ok": false, "error": error}``, as Slack
        does for ``missing_scope``, ``not_in_channel`` and the like."""
        with self._lock:
            self._refusals[method] = error

    def hold(self, method: str, channel: str) -> threading.Event:
        """Record the next calls of ``method`` to ``channel`` but answer only once the returned
        event is set: a process killed meanwhile has posted without learning it did."""
        event = threading.Event()
        with self._lock:
            self._holds[(method, channel)] = event
        return event

    def posted_in(self, channel: str, *, top_level: bool | None = None) -> list[dict[str, Any]]:
        """The messages posted in ``channel`` (only top-level, or only replies, if asked)."""
        with self._lock:
            found = [m for m in self.messages if m["channel"] == channel]
        if top_level is None:
            return found
        return [m for m in found if ("thread_ts" not in m) == top_level]

    def calls_to(self, method: str) -> list[SlackCall]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[SlackCall]:
        """Block until ``count`` calls of ``method`` arrived; return them (raise on timeout)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [c for c in self.calls if c.method == method]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [c.method for c in self.calls]
                    raise AssertionError(f"expected {count} {method} call(s); saw {seen}")
                self._cond.wait(left)

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self._faults.clear()
            self.messages.clear()
            for event in self._holds.values():
                event.set()
            self._holds.clear()

    # -- HTTP ------------------------------------------------------------------------------
    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        response = self._handle(request)
        return response(environ, start_response)

    def _handle(self, request: Request) -> Response:
        path = request.path
        if path.startswith("/response/"):
            method, args = "response_url", _json_body(request)
            args["_name"] = path.rsplit("/", 1)[-1]
        elif path.startswith("/api/"):
            method, args = path[len("/api/") :], _args(request)
        else:
            return Response("not found", status=404)
        fault = self._take_fault(method)
        with self._cond:
            self.calls.append(SlackCall(method, args, dict(request.headers)))
            self._cond.notify_all()
        if fault is not None:
            status, retry_after = fault
            headers = {"Retry-After": str(retry_after)} if status == 429 else {}
            return Response(json.dumps({"ok": False, "error": "ratelimited"}), status, headers)
        if method == "response_url":
            return Response("ok")
        held = self._holds.get((method, str(args.get("channel"))))
        with self._lock:
            refusal = self._refusals.pop(method, None)
        body = {"ok": False, "error": refusal} if refusal else self._answer(method, args)
        if held is not None:
            held.wait(30)
        return Response(json.dumps(body), content_type="application/json")

    def _take_fault(self, method: str) -> tuple[int, int] | None:
        with self._lock:
            for i, (name, status, retry_after) in enumerate(self._faults):
                if name in ("*", method):
                    del self._faults[i]
                    return status, retry_after
        return None

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "apps.connections.open":
            return {"ok": True, "url": self.socket_url} if self.socket_url else {"ok": False}
        if method == "auth.test":
            return {"ok": True, "team_id": "T0001", "user_id": BOT_USER_ID, "bot_id": "B0001"}
        if method == "chat.postMessage" and args.get("channel") in self.not_in_channel:
            return {"ok": False, "error": "not_in_channel"}
        if method in ("chat.postMessage", "chat.update"):
            ts = args.get("ts") or f"{1700000000 + next(self._ts)}.000100"
            if method == "chat.postMessage":
                self._remember(ts, args)
            return {"ok": True, "channel": args.get("channel"), "ts": ts, "message": args}
        if method in ("conversations.history", "conversations.replies"):
            return {"ok": True, "messages": self._history(method, args), "has_more": False}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"{1700000000 + next(self._ts)}.000200"}
        if method in ("views.open", "views.update", "views.push"):
            return {"ok": True, "view": {"id": f"V{next(self._ts):08d}"}}
        if method == "users.info":
            user = self.users.get(str(args.get("user")))
            return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}
        if method == "usergroups.users.list":
            members = self.groups.get(str(args.get("usergroup")))
            if members is None:
                return {"ok": False, "error": "no_such_subteam"}
            return {"ok": True, "users": members}
        return {"ok": True}

    def _remember(self, ts: str, args: dict[str, Any]) -> None:
        message: dict[str, Any] = {"type": "message", "ts": ts, "channel": args.get("channel")}
        message |= {"text": args.get("text", ""), "bot_id": "B0001", "user": BOT_USER_ID}
        if args.get("thread_ts"):
            message["thread_ts"] = args["thread_ts"]
        metadata = args.get("metadata")
        if isinstance(metadata, str):
            metadata = json.loads(metadata)
        if metadata:
            message["metadata"] = metadata
        with self._lock:
            self.messages.append(message)

    def _history(self, method: str, args: dict[str, Any]) -> list[dict[str, Any]]:
        """Newest first, as Slack answers; metadata only with ``include_all_metadata``."""
        channel, oldest = args.get("channel"), float(args.get("oldest") or 0)
        with self._lock:
            found = [m for m in self.messages if m["channel"] == channel]
        if method == "conversations.history":
            found = [m for m in found if "thread_ts" not in m]
        else:
            root = str(args.get("ts"))
            found = [m for m in found if m["ts"] == root or m.get("thread_ts") == root]
        found = [m for m in found if float(m["ts"]) >= oldest]
        with_metadata = str(args.get("include_all_metadata")).lower() in ("1", "true")
        return [
            m if with_metadata else {k: v for k, v in m.items() if k != "metadata"}
            for m in reversed(found)
        ]


def _args(request: Request) -> dict[str, Any]:
    if request.mimetype == "application/json":
        return _json_body(request)
    form = parse_qs(request.get_data(as_text=True))
    args: dict[str, Any] = {k: v[0] for k, v in form.items()}
    for key in ("blocks", "view", "attachments", "metadata"):
        if isinstance(args.get(key), str):
            args[key] = json.loads(args[key])
    return args


def _json_body(request: Request) -> dict[str, Any]:
    data = request.get_data(as_text=True)
    loaded = json.loads(data) if data else {}
    return loaded if isinstance(loaded, dict) else {"_body": loaded}
