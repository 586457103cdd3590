"""Chained invokes (``context.invoke``) of functions that other emulators serve.

``--durable-target NAME=URL`` says where function NAME is served: the emulator calls that
emulator's invoke endpoint as Lambda calls the target, naming the target's execution after
the operation (a replay finds the same one), and reports the answer back on the event loop.
A blocking client in a daemon thread per call: a chained invoke lasts as long as the
target's execution (there are few), and must not hold up the emulator's exit.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import threading
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote, urlsplit

#: (result payload, None) or (None, the error as an ErrorObject).
Answer = tuple["str | None", "dict[str, Any] | None"]


def function_name(name_or_arn: str) -> str:
    """NAME from NAME, NAME:QUALIFIER or arn:aws:lambda:R:A:function:NAME[:QUALIFIER]."""
    if name_or_arn.startswith("arn:"):
        parts = name_or_arn.split(":")
        return parts[6] if len(parts) > 6 else name_or_arn
    return name_or_arn.partition(":")[0]


class RemoteTargets:
    """The functions other emulators serve, and the calls to them."""

    def __init__(self, targets: Mapping[str, str], loop: asyncio.AbstractEventLoop) -> None:
        self._targets = dict(targets)
        self._loop = loop

    def __contains__(self, name: str) -> bool:
        return name in self._targets

    def invoke(
        self,
        name: str,
        payload: str | None,
        execution_name: str,
        tenant_id: str | None,
        timeout_s: float,
        done: Callable[[str | None, dict[str, Any] | None], None],
    ) -> None:
        """Invoke ``name``; ``done(result, error)`` is called on the loop when it answers."""
        url = self._targets[name]

        def call() -> None:
            try:
                answer = _call(url, name, payload, execution_name, tenant_id, timeout_s)
            except Exception as error:  # refused headers, a dead peer: the invoke failed
                message = f"the target did not answer: {error}"
                answer = None, {"ErrorType": "Lambda.ServiceException", "ErrorMessage": message}
            with contextlib.suppress(RuntimeError):  # a closed loop: the emulator is stopping
                self._loop.call_soon_threadsafe(done, *answer)

        threading.Thread(target=call, name=f"chained-invoke {name}", daemon=True).start()


def _call(
    url: str,
    name: str,
    payload: str | None,
    execution_name: str,
    tenant_id: str | None,
    timeout_s: float,
) -> Answer:
    where = urlsplit(url)
    connection = http.client.HTTPConnection(where.hostname, where.port or 80, timeout=timeout_s)
    headers = {"X-Amz-Durable-Execution-Name": execution_name}
    if tenant_id is not None:
        headers["X-Amz-Tenant-Id"] = tenant_id
    path = f"{where.path.rstrip('/')}/2015-03-31/functions/{quote(name, safe='')}/invocations"
    try:
        connection.request("POST", path, body=(payload or "").encode(), headers=headers)
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        function_error = response.getheader("X-Amz-Function-Error")
        error_type = response.getheader("X-Amzn-ErrorType")
    finally:
        connection.close()
    if response.status == 200 and function_error is None:
        return body, None
    try:
        parsed = json.loads(body)
    except (ValueError, RecursionError):
        parsed = None
    if isinstance(parsed, dict) and "errorType" in parsed:
        return None, {
            "ErrorType": str(parsed["errorType"]),
            "ErrorMessage": str(parsed.get("errorMessage", "")),
        }
    message = (parsed or {}).get("message", body) if isinstance(parsed, dict) else body
    return None, {"ErrorType": error_type or "Lambda.ServiceException", "ErrorMessage": message}
