"""The durable-execution API on the invoke port, and Invoke of a durable function.

Paths and shapes are those of botocore's ``lambda`` model (REST-JSON, API version
2025-12-01): the SDK inside the function calls CheckpointDurableExecution and
GetDurableExecutionState; callers use GetDurableExecution, GetDurableExecutionHistory,
ListDurableExecutionsByFunction, StopDurableExecution and the callback operations. Errors
are Lambda's: ``X-Amzn-ErrorType`` names the exception, the body carries its message.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, unquote

from lambdaflow.emulator.config import EmulatorConfig
from lambdaflow.emulator.durable import checkpoint, history
from lambdaflow.emulator.durable.chained import RemoteTargets, function_name
from lambdaflow.emulator.durable.records import (
    NAME_PATTERN,
    SUCCEEDED,
    Execution,
    Store,
    execution_arn,
)
from lambdaflow.emulator.durable.scheduler import Scheduler
from lambdaflow.emulator.http.http11 import Deferred, Handler
from lambdaflow.emulator.http.messages import HttpRequest, HttpResponse
from lambdaflow.emulator.routes import rie_responses
from lambdaflow.emulator.sandbox.pending_invoke import PendingInvoke
from lambdaflow.emulator.sandbox.scheduling import Clock
from lambdaflow.limits import MAX_RESPONSE_BYTES

API_PREFIX = "/2025-12-01/"
_EXECUTIONS = API_PREFIX + "durable-executions/"
_CALLBACKS = API_PREFIX + "durable-execution-callbacks/"
_FUNCTIONS = API_PREFIX + "functions/"
_ACTIONS = frozenset({"checkpoint", "state", "history", "stop"})
_MAX_ITEMS = 1000
#: Credentials for the SDK's client inside the function: the emulator checks no signature.
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "lambdaflow", "AWS_SECRET_ACCESS_KEY": "lambdaflow"}

Route = Callable[[HttpRequest, str, dict[str, list[str]]], "HttpResponse | Deferred"]


def _error(status: int, error_type: str, message: str) -> HttpResponse:
    body = json.dumps({"Type": "User", "message": message}).encode()
    return HttpResponse(status, body, (rie_responses.JSON, ("X-Amzn-ErrorType", error_type)))


def _not_found(what: str) -> HttpResponse:
    return _error(404, "ResourceNotFoundException", f"{what} not found")


def _invalid(message: str) -> HttpResponse:
    return _error(400, "InvalidParameterValueException", message)


def _json(data: Any) -> HttpResponse:
    return HttpResponse(200, json.dumps(data).encode(), (rie_responses.JSON,))


def _body(request: HttpRequest) -> Any:
    if not request.body:
        return {}
    try:
        return json.loads(request.body)
    except ValueError:
        return None


def _page(items: list[Any], query: dict[str, list[str]]) -> tuple[list[Any], str | None]:
    """One page of ``items`` by Marker (an index) and MaxItems; raises ValueError."""
    start = int(query.get("Marker", ["0"])[0] or 0)
    size = int(query.get("MaxItems", [str(_MAX_ITEMS)])[0] or _MAX_ITEMS)
    if start < 0 or not 0 < size <= _MAX_ITEMS:
        raise ValueError("Marker or MaxItems out of range")
    end = start + size
    return items[start:end], (str(end) if end < len(items) else None)


def _flag(query: dict[str, list[str]], name: str) -> bool:
    return query.get(name, ["false"])[0].lower() == "true"


class DurableApi:
    """The routes of the durable API, in front of the emulator's invoke routes."""

    def __init__(
        self,
        config: EmulatorConfig,
        clock: Clock,
        submit: Callable[[PendingInvoke], None],
    ) -> None:
        self._config = config
        self.store = Store(config.durable_state)
        targets = None
        if config.durable_targets:
            targets = RemoteTargets(dict(config.durable_targets), asyncio.get_running_loop())
        self.scheduler = Scheduler(
            self.store,
            clock,
            submit,
            time_skipping=config.durable_time_skipping,
            execution_timeout_s=config.durable_execution_timeout_s,
            retention_s=config.durable_retention_days * 86400,
            targets=targets,
        )
        self._function_names = config.invoke_names | {config.function_name}
        self._invoke_routes: Handler | None = None

    def wrap(self, invoke_routes: Handler) -> Handler:
        """The invoke port's handler: the durable API first, then the invoke routes."""
        self._invoke_routes = invoke_routes
        return self

    def __call__(self, request: HttpRequest) -> HttpResponse | Deferred:
        path = request.path
        if not path.startswith(API_PREFIX):
            assert self._invoke_routes is not None
            return self._invoke_routes(request)
        query = parse_qs(request.target.partition("?")[2])
        if path.startswith(_EXECUTIONS):
            return self._execution_route(request, path[len(_EXECUTIONS) :], query)
        if path.startswith(_CALLBACKS):
            callback_id, _, action = path[len(_CALLBACKS) :].rpartition("/")
            return self._callback(request, unquote(callback_id), action)
        if path.startswith(_FUNCTIONS) and path.endswith("/durable-executions"):
            name = unquote(path[len(_FUNCTIONS) : -len("/durable-executions")])
            return self._list(request, name, query)
        return rie_responses.NOT_FOUND

    # -- Invoke --------------------------------------------------------------------------------

    def start(self, request: HttpRequest, invocation_type: str) -> HttpResponse | Deferred:
        """Invoke of the durable function: start (or find) an execution."""
        if invocation_type == "Stream":
            return _invalid("a durable function's answer does not stream; use Invoke")
        query = parse_qs(request.target.partition("?")[2])
        qualifier = query.get("Qualifier", [self._config.function_version])[0]
        if qualifier not in (self._config.function_version, "$LATEST"):
            return _not_found(f"Function {self._config.function_arn}:{qualifier}")
        name = request.headers.get("x-amz-durable-execution-name") or str(uuid.uuid4())
        if not NAME_PATTERN.fullmatch(name):
            return _invalid("X-Amz-Durable-Execution-Name must be 1 to 64 of [a-zA-Z0-9_-]")
        if len(request.body) > MAX_RESPONSE_BYTES:  # Lambda's invoke payload limit, 6 MB
            message = f"Request must be smaller than {MAX_RESPONSE_BYTES} bytes for Invoke"
            return _error(413, "RequestTooLargeException", message)
        try:
            payload = request.body.decode()
        except UnicodeDecodeError:
            return _invalid("the payload must be UTF-8 JSON")
        function_arn = self._config.function_arn
        execution = self.store.by_name(function_arn, name)
        if execution is not None and execution.input_payload != payload:
            return _error(
                409,
                "DurableExecutionAlreadyStartedException",
                f"A durable execution named {name} has already started with another input",
            )
        if execution is None:
            arn = execution_arn(function_arn, self._config.function_version, name)
            execution = self.scheduler.start(
                function_arn, self._config.function_version, name, arn, payload
            )
        arn_header = ("X-Amz-Durable-Execution-Arn", execution.arn)
        if invocation_type == "Event":
            return HttpResponse(202, b"", (arn_header,))
        answer = Deferred()
        self.scheduler.when_done(execution, lambda done: answer.resolve(_final(done, arn_header)))
        return answer

    # -- executions ----------------------------------------------------------------------------

    def _execution_route(
        self, request: HttpRequest, rest: str, query: dict[str, list[str]]
    ) -> HttpResponse | Deferred:
        segments = rest.split("/")  # the ARN's own slashes may come encoded or not
        action = segments[-1] if len(segments) > 1 and segments[-1] in _ACTIONS else ""
        arn = unquote("/".join(segments[:-1]) if action else rest)
        execution = self.store.executions.get(arn)
        if execution is None:
            return _not_found(f"Durable execution {arn}")
        method = request.method
        try:
            if action == "checkpoint" and method == "POST":
                return self._checkpoint(execution, _body(request))
            if action == "state" and method == "GET":
                return self._state(execution, query)
            if action == "history" and method == "GET":
                return self._history(execution, query)
            if action == "stop" and method == "POST":
                error = _body(request)
                stopped = self.scheduler.stop(execution, error if isinstance(error, dict) else None)
                return _json({"StopTimestamp": stopped})
            if not action and method == "GET":
                return _json(self._describe(execution, _flag(query, "IncludeExecutionData")))
        except ValueError as error:
            return _invalid(str(error))
        return rie_responses.NOT_FOUND

    def _checkpoint(self, execution: Execution, body: Any) -> HttpResponse:
        if not isinstance(body, dict):
            return _invalid("the body must be a JSON object")
        token = body.get("CheckpointToken")
        if not isinstance(token, str) or not self.scheduler.token_valid(execution, token):
            return _invalid("Invalid checkpoint token")
        try:
            operations = self.scheduler.checkpoint(execution, body.get("Updates", []))
        except checkpoint.Refused as error:
            return _invalid(str(error))
        return _json(
            {
                "CheckpointToken": self.scheduler.token_for(execution),
                "NewExecutionState": {"Operations": operations},
            }
        )

    def _state(self, execution: Execution, query: dict[str, list[str]]) -> HttpResponse:
        token = query.get("CheckpointToken", [""])[0]
        if not self.scheduler.token_valid(execution, token):
            return _invalid("Invalid checkpoint token")
        operations = [checkpoint.public(op) for op in execution.operations.values()]
        page, marker = _page(operations, query)
        return _json({"Operations": page, **({"NextMarker": marker} if marker else {})})

    def _history(self, execution: Execution, query: dict[str, list[str]]) -> HttpResponse:
        events = execution.events
        if not _flag(query, "IncludeExecutionData"):
            events = [history.without_data(event) for event in events]
        if _flag(query, "ReverseOrder"):
            events = events[::-1]
        page, marker = _page(events, query)
        return _json({"Events": page, **({"NextMarker": marker} if marker else {})})

    def _describe(self, execution: Execution, with_data: bool) -> dict[str, Any]:
        described: dict[str, Any] = {
            "DurableExecutionArn": execution.arn,
            "DurableExecutionName": execution.name,
            "FunctionArn": f"{execution.function_arn}:{execution.version}",
            "StartTimestamp": execution.started,
            "Status": execution.status,
            "Version": execution.version,
        }
        if execution.ended is not None:
            described["EndTimestamp"] = execution.ended
        described["ExpectedExecutionTimeoutTimestamp"] = execution.started + execution.timeout_s
        if execution.status == SUCCEEDED and execution.result is not None:
            described["Result"] = execution.result
        if execution.error is not None:
            described["Error"] = execution.error
        if with_data:
            described["InputPayload"] = execution.input_payload
            described["ExecutionDataIncluded"] = True
        return described

    def _list(self, request: HttpRequest, name: str, query: dict[str, list[str]]) -> HttpResponse:
        if request.method != "GET":
            return rie_responses.NOT_FOUND
        if function_name(name) not in self._function_names:  # a name, or an ARN
            return _not_found(f"Function {name}")
        statuses = set(query.get("Statuses", []))
        wanted = query.get("DurableExecutionName", [None])[0]
        found = [
            execution
            for execution in self.store.executions.values()
            if (not statuses or execution.status in statuses)
            and (wanted is None or execution.name == wanted)
        ]
        if _flag(query, "ReverseOrder"):
            found.reverse()
        try:
            page, marker = _page(found, query)
        except ValueError as error:
            return _invalid(str(error))
        summaries = [
            {
                key: value
                for key, value in self._describe(execution, False).items()
                if key
                in (
                    "DurableExecutionArn",
                    "DurableExecutionName",
                    "FunctionArn",
                    "Status",
                    "StartTimestamp",
                    "EndTimestamp",
                )
            }
            for execution in page
        ]
        return _json({"DurableExecutions": summaries, **({"NextMarker": marker} if marker else {})})

    # -- callbacks -----------------------------------------------------------------------------

    def _callback(self, request: HttpRequest, callback_id: str, action: str) -> HttpResponse:
        if request.method != "POST" or action not in ("succeed", "fail", "heartbeat"):
            return rie_responses.NOT_FOUND
        if action == "heartbeat":
            done = self.scheduler.heartbeat(callback_id)
        elif action == "succeed":
            try:  # no body: a success without a result
                result = request.body.decode() if request.body else None
            except UnicodeDecodeError:
                return _invalid("the callback result must be UTF-8")
            done = self.scheduler.complete_callback(callback_id, result=result)
        else:
            error = _body(request)
            if not isinstance(error, dict):
                return _invalid("the callback error must be a JSON ErrorObject")
            done = self.scheduler.complete_callback(callback_id, error=error)
        if not done:
            return _not_found(f"Callback {callback_id}")
        return _json({})

    # -- the runtime's environment -------------------------------------------------------------

    @staticmethod
    def environment(endpoint: str, environ: dict[str, str]) -> dict[str, str]:
        """What the function's SDK needs to reach this API: the endpoint, and credentials and a
        region unless the caller's environment has them."""
        added = {"AWS_ENDPOINT_URL_LAMBDA": endpoint}
        if not environ.get("AWS_ACCESS_KEY_ID"):
            added.update(FAKE_CREDENTIALS)
        return added


def _final(execution: Execution, arn_header: tuple[str, str]) -> HttpResponse:
    """A synchronous caller's answer: the result, or the error as a function error."""
    if execution.status == SUCCEEDED:
        body = (execution.result if execution.result is not None else "null").encode()
        return HttpResponse(200, body, (rie_responses.JSON, arn_header))
    error = execution.error or {}
    body = json.dumps(
        {
            "errorType": error.get("ErrorType", f"Execution.{execution.status.title()}"),
            "errorMessage": error.get("ErrorMessage", f"The execution ended {execution.status}"),
        }
    ).encode()
    return HttpResponse(200, body, (rie_responses.JSON, rie_responses.FUNCTION_ERROR, arn_header))
