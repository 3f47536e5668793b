"""Wire formats for the AWS stand-in, driven by botocore's service models.

Every response the stand-in builds itself goes through :func:`success_response`, which validates
the dict against the operation's output shape (``botocore.validate.ParamValidator`` plus an enum
check that botocore leaves out) and then serialises it the way the service's protocol says:
query-protocol XML for STS and IAM, JSON for AWS Backup (rest-json, epoch timestamps). Errors are
built the same way with :func:`error_response`. Requests are parsed by the same models
(:func:`parse_query_input`, :func:`parse_rest_input`), and rest-json routes come from the model's
``requestUri`` templates.
"""

from __future__ import annotations

import functools
import json
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree as ET

import botocore.session
from botocore.model import OperationModel, ServiceModel, Shape
from botocore.validate import ParamValidator


class ResponseInvalid(Exception):
    """A response the stand-in built does not match botocore's model (a bug in the stand-in)."""


@dataclass
class AwsError(Exception):
    """An AWS error to send back: code, message, HTTP status and whether the caller is at fault."""

    code: str
    message: str
    status: int = 400
    sender_fault: bool = True


@dataclass
class WireResponse:
    """An HTTP response ready to send."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Call:
    """One AWS request the stand-in answers itself: who, where, which operation, with what input."""

    service: str
    operation: str
    region: str
    params: dict[str, Any]
    resolve_account: Callable[[], str]

    @functools.cached_property
    def account(self) -> str:
        """The caller's account (resolved from its access key on first use)."""
        return self.resolve_account()


@functools.cache
def service_model(service: str) -> ServiceModel:
    """botocore's model of ``service`` (cached; models are read-only)."""
    return botocore.session.get_session().get_service_model(service)


def operation_model(service: str, operation: str) -> OperationModel:
    """botocore's model of one operation."""
    return service_model(service).operation_model(operation)


def validate_output(op: OperationModel, body: Mapping[str, Any]) -> None:
    """Raise :class:`ResponseInvalid` unless ``body`` matches the operation's output shape."""
    if op.output_shape is None:
        if body:
            raise ResponseInvalid(f"{op.name} has no output but got {sorted(body)}")
        return
    validate_shape(body, op.output_shape, op.name)


def validate_shape(value: Mapping[str, Any], shape: Shape, name: str) -> None:
    """Validate ``value`` against ``shape`` with botocore, then check enum values."""
    report = ParamValidator().validate(dict(value), shape)
    if report.has_errors():
        raise ResponseInvalid(f"{name}: {report.generate_report()}")
    problems = _enum_problems(value, shape, name)
    if problems:
        raise ResponseInvalid("; ".join(problems))


def _enum_problems(value: Any, shape: Shape, path: str) -> list[str]:
    """Enum violations below ``value`` (botocore's validator does not check enums)."""
    if shape.metadata.get("document"):
        return []  # a free JSON value (iam-toolbox's context values)
    if shape.type_name == "structure":
        members = shape.members  # type: ignore[attr-defined]
        return [
            problem
            for key, item in value.items()
            if key in members
            for problem in _enum_problems(item, members[key], f"{path}.{key}")
        ]
    if shape.type_name == "list":
        member = shape.member  # type: ignore[attr-defined]
        return [p for i, v in enumerate(value) for p in _enum_problems(v, member, f"{path}[{i}]")]
    if shape.type_name == "map":
        inner = shape.value  # type: ignore[attr-defined]
        return [p for k, v in value.items() for p in _enum_problems(v, inner, f"{path}[{k}]")]
    enum = getattr(shape, "enum", None)
    if enum and value not in enum:
        return [f"{path}: {value!r} is not one of {enum}"]
    return []


def success_response(service: str, operation: str, body: Mapping[str, Any]) -> WireResponse:
    """Validate ``body`` against the output shape and serialise it for the service's protocol."""
    op = operation_model(service, operation)
    validate_output(op, body)
    if op.metadata["protocol"] == "query":
        return _query_success(op, body)
    return _json_success(op, body)


@functools.cache
def known_service(service: str) -> bool:
    """Whether botocore has a model for ``service``."""
    return service in botocore.session.get_session().get_available_services()


def error_response(service: str, error: AwsError, protocol: str | None = None) -> WireResponse:
    """The error as the service's protocol sends it (``protocol`` overrides the model's)."""
    if protocol is None:
        protocol = service_model(service).metadata["protocol"] if known_service(service) else "json"
    if protocol == "query":
        return _query_error(service, error)
    return _json_error(service, error)


def to_datetime(value: Any) -> datetime:
    """An aware datetime from a datetime, an epoch number or an ISO 8601 string (naive: UTC)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, tz=UTC)
    return to_datetime(datetime.fromisoformat(str(value)))


def to_epoch(value: Any) -> float:
    """Seconds since the epoch from anything :func:`to_datetime` accepts."""
    return to_datetime(value).timestamp()


def request_id() -> str:
    """A fresh request id, as AWS puts in every response."""
    return str(uuid.uuid4())


# --- query protocol (STS, IAM) -------------------------------------------------------------------


def _query_success(op: OperationModel, body: Mapping[str, Any]) -> WireResponse:
    namespace = op.service_model.metadata.get("xmlNamespace", "")
    root = ET.Element(f"{op.name}Response", xmlns=namespace)
    if op.output_shape is not None:
        wrapper = op.output_shape.serialization.get("resultWrapper", f"{op.name}Result")
        result = ET.SubElement(root, wrapper)
        _xml_members(result, body, op.output_shape)
    meta = ET.SubElement(root, "ResponseMetadata")
    ET.SubElement(meta, "RequestId").text = request_id()
    return WireResponse(200, ET.tostring(root, encoding="utf-8"), {"Content-Type": "text/xml"})


def _xml_members(parent: ET.Element, value: Mapping[str, Any], shape: Shape) -> None:
    for name, member in shape.members.items():  # type: ignore[attr-defined]
        if name in value and value[name] is not None:
            tag = member.serialization.get("name", name)
            _xml_value(ET.SubElement(parent, tag), value[name], member)


def _xml_value(element: ET.Element, value: Any, shape: Shape) -> None:
    kind = shape.type_name
    if kind == "structure":
        _xml_members(element, value, shape)
    elif kind == "list":
        member = shape.member  # type: ignore[attr-defined]
        tag = member.serialization.get("name", "member")
        for item in value:
            _xml_value(ET.SubElement(element, tag), item, member)
    elif kind == "map":
        for key, item in value.items():
            entry = ET.SubElement(element, "entry")
            ET.SubElement(entry, "key").text = str(key)
            _xml_value(ET.SubElement(entry, "value"), item, shape.value)  # type: ignore[attr-defined]
    elif kind == "timestamp":
        element.text = to_datetime(value).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    elif kind == "boolean":
        element.text = "true" if value else "false"
    else:
        element.text = str(value)


def _query_error(service: str, error: AwsError) -> WireResponse:
    known = known_service(service)
    namespace = service_model(service).metadata.get("xmlNamespace", "") if known else ""
    root = ET.Element("ErrorResponse", xmlns=namespace)
    detail = ET.SubElement(root, "Error")
    ET.SubElement(detail, "Type").text = "Sender" if error.sender_fault else "Receiver"
    ET.SubElement(detail, "Code").text = error.code
    ET.SubElement(detail, "Message").text = error.message
    ET.SubElement(root, "RequestId").text = request_id()
    body = ET.tostring(root, encoding="utf-8")
    return WireResponse(error.status, body, {"Content-Type": "text/xml"})


# --- JSON protocols (AWS Backup) -----------------------------------------------------------------


def _json_success(op: OperationModel, body: Mapping[str, Any]) -> WireResponse:
    payload = _json_value(body, op.output_shape) if op.output_shape is not None else {}
    headers = {"Content-Type": "application/json", "x-amzn-RequestId": request_id()}
    return WireResponse(200, json.dumps(payload).encode(), headers)


def _json_value(value: Any, shape: Shape) -> Any:
    kind = shape.type_name
    if shape.metadata.get("document"):
        return value
    if kind == "structure":
        return {
            member.serialization.get("name", name): _json_value(value[name], member)
            for name, member in shape.members.items()  # type: ignore[attr-defined]
            if value.get(name) is not None
        }
    if kind == "list":
        return [_json_value(item, shape.member) for item in value]  # type: ignore[attr-defined]
    if kind == "map":
        return {k: _json_value(v, shape.value) for k, v in value.items()}  # type: ignore[attr-defined]
    if kind == "timestamp":
        return _json_timestamp(value, shape)
    return value


def _json_timestamp(value: Any, shape: Shape) -> Any:
    fmt = shape.serialization.get("timestampFormat", "unixTimestamp")
    moment = to_datetime(value)
    if fmt == "iso8601":
        return moment.isoformat().replace("+00:00", "Z")
    return round(moment.timestamp(), 3)


def _json_error(service: str, error: AwsError) -> WireResponse:
    body: dict[str, str] = {"Code": error.code, "Message": error.message}
    body["Type"] = "User" if error.sender_fault else "Server"
    if known_service(service) and error.code in service_model(service).shape_names:
        shape = service_model(service).shape_for(error.code)
        members = shape.members  # type: ignore[attr-defined]
        if "message" in members:
            body["message"] = error.message  # newer models spell it in lower case
        modelled = {key: value for key, value in body.items() if key in members}
        validate_shape(modelled if "message" in members else body, shape, error.code)
    headers = {
        "Content-Type": "application/json",
        "x-amzn-ErrorType": error.code,
        "x-amzn-RequestId": request_id(),
    }
    return WireResponse(error.status, json.dumps(body).encode(), headers)


# --- request parsing -----------------------------------------------------------------------------


def parse_query_input(op: OperationModel, form: Mapping[str, str]) -> dict[str, Any]:
    """The input parameters of a query-protocol request (``Name.member.N`` lists and all)."""
    if op.input_shape is None:
        return {}
    return _query_members(form, "", op.input_shape)


def _query_members(form: Mapping[str, str], prefix: str, shape: Shape) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, member in shape.members.items():  # type: ignore[attr-defined]
        key = prefix + member.serialization.get("name", name)
        value = _query_value(form, key, member)
        if value is not None:
            found[name] = value
    return found


def _query_value(form: Mapping[str, str], key: str, shape: Shape) -> Any:
    kind = shape.type_name
    if kind == "structure":
        nested = _query_members(form, key + ".", shape)
        return nested or None
    if kind == "list":
        member: Shape = shape.member  # type: ignore[attr-defined]
        items: list[Any] = []
        while (item := _query_value(form, f"{key}.member.{len(items) + 1}", member)) is not None:
            items.append(item)
        return items if items or key in form else None
    if key not in form:
        return None
    return _scalar(form[key], shape)


def _scalar(raw: str, shape: Shape) -> Any:
    kind = shape.type_name
    if kind in ("integer", "long"):
        return int(raw)
    if kind == "boolean":
        return raw.lower() == "true"
    return raw


def parse_rest_input(
    op: OperationModel, uri_params: Mapping[str, str], query: Mapping[str, str], body: bytes
) -> dict[str, Any]:
    """The input parameters of a rest-json request: URI, query string and JSON body members."""
    if op.input_shape is None:
        return {}
    payload = json.loads(body) if body.strip() else {}
    params: dict[str, Any] = {}
    for name, member in op.input_shape.members.items():
        location = member.serialization.get("location")
        wire_name = member.serialization.get("name", name)
        if location == "uri" and wire_name in uri_params:
            params[name] = uri_params[wire_name]
        elif location == "querystring" and wire_name in query:
            params[name] = _scalar(query[wire_name], member)
        elif location is None and wire_name in payload:
            params[name] = payload[wire_name]
    return params


@dataclass(frozen=True)
class _Route:
    method: str
    strict: re.Pattern[str]
    lenient: re.Pattern[str]
    literal_length: int
    operation: str


@functools.cache
def _rest_routes(service: str) -> list[_Route]:
    """Every operation of a REST service as a route, most specific (longest literal) first."""
    routes = []
    model = service_model(service)
    for name in model.operation_names:
        http = model.operation_model(name).http
        path = http["requestUri"].split("?", 1)[0]
        literal = len(re.sub(r"\{[^}]*\}", "", path))
        routes.append(
            _Route(http["method"], _uri_regex(path, "[^/]+"), _uri_regex(path, ".+"), literal, name)
        )
    return sorted(routes, key=lambda route: -route.literal_length)


def _uri_regex(template: str, segment: str) -> re.Pattern[str]:
    pattern = ""
    for literal, greedy_name, name in re.findall(r"([^{]*)(?:\{(\w+)\+\}|\{(\w+)\})?", template):
        pattern += re.escape(literal)
        if greedy_name:
            pattern += f"(?P<{greedy_name}>.+)"
        elif name:
            pattern += f"(?P<{name}>{segment})"
    return re.compile(f"^{pattern}/?$" if not template.endswith("/") else f"^{pattern}$")


def route_rest_request(service: str, method: str, path: str) -> tuple[str, dict[str, str]] | None:
    """(operation, URI parameters) of a REST request, from the model's ``requestUri`` templates.

    Parameters without ``/`` are tried first, so ``/restore-jobs/{id}/metadata`` is not taken for
    ``/restore-jobs/{id}``; then parameters with ``/`` (botocore does not escape it in ARNs), the
    most specific template first.
    """
    routes = [route for route in _rest_routes(service) if route.method == method]
    for lenient in (False, True):
        for route in routes:
            match = (route.lenient if lenient else route.strict).match(path)
            if match:
                return route.operation, match.groupdict()
    return None
