"""Plan: what the loop runs, built once from an App's registrations (`App.plan`).

Its own module so that the phases (`phases`), the loop and the test client depend on what they
run, not on the decorators that built it.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from .context import Context

    #: How the loop calls validate and handler functions, whatever their own signature.
    EventCall = Callable[[Any, Context], Any]
    #: A streamed handler's result -> a `streaming.Stream` (None: this result is buffered).
    StreamOpener = Callable[[Any], Any]


class Plan:
    """What the loop runs: the registered functions, checked and ready to call."""

    __slots__ = (
        "after_restore", "async_handler", "before_snapshot", "cold_start", "decode", "encode",
        "handler", "shutdown", "stream", "validate",
    )

    def __init__(
        self,
        *,
        decode: Callable[[bytes], Any],
        encode: Callable[[Any], bytes],
        validate: EventCall | None,
        handler: EventCall,
        cold_start: tuple[Callable[[], None], ...],
        shutdown: tuple[Callable[[], None], ...],
        stream: StreamOpener | None = None,
        before_snapshot: tuple[Callable[[], None], ...] = (),
        after_restore: tuple[Callable[[], None], ...] = (),
        async_handler: bool = False,
    ) -> None:
        self.decode = decode
        self.encode = encode
        self.validate = validate
        self.handler = handler
        self.cold_start = cold_start
        self.shutdown = shutdown
        #: EventFunction.stream of the handler: None keeps the buffered path free of it.
        self.stream = stream
        #: In the order they run: last registered first (as awslambdaric and CRaC run them).
        self.before_snapshot = before_snapshot
        self.after_restore = after_restore
        #: The handler is `async def` (an async generator too): concurrent invocations are
        #: tasks on the one event loop rather than worker processes (`concurrency`).
        self.async_handler = async_handler
