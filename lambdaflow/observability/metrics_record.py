"""The `invocation.metrics` record's name, fields and outcomes, and the keys the log sink owns:
the runtime writes them, the metrics API refuses them as user names, the benchmark suite and the
tests read them. A leaf module, so readers import no runtime code.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: The record's `message`.
METRICS_MESSAGE = "invocation.metrics"
#: The phases, in the order they run; each is logged as `<phase>_ms` and they add up to total.
PHASES = ("next", "unmarshal", "validate", "handler", "marshal", "post")
PHASE_FIELDS = tuple(f"{phase}_ms" for phase in PHASES)
TOTAL_FIELD = "total_ms"
OUTCOME_FIELD = "outcome"
#: 1 on the invocation that followed the process's init, else 0 (a number: EMF metrics are).
COLD_START_FIELD = "cold_start"
#: A streamed response only: handler start to its first chunk on the wire (`handler_ms` then
#: covers the whole stream), and the bytes it sent (an HTTP prelude included).
FIRST_BYTE_FIELD = "first_byte_ms"
BYTES_FIELD = "bytes"
#: The service dimension of the EMF form of the record.
SERVICE_FIELD = "service"
#: The EMF metadata member (CloudWatch's name for it).
EMF_FIELD = "_aws"
#: Where the JSON log sink writes a field of that name that is not lambdaflow's own: bound
#: caller data must not become metric definitions.
USER_EMF_FIELD = "user._aws"


class PlainRecord:
    """No EMF: the line as today, with the function's own metrics as plain fields."""

    __slots__ = ()

    def fields(self, collector: Any, cold_start: bool) -> dict[str, Any]:
        if collector is None:
            return {}
        return collector.root_members()


class EmfMember(dict):  # type: ignore[type-arg]
    """The `_aws` member as the runtime writes it: the only value the JSON log sink writes
    under that name at the root of a record."""

    __slots__ = ()

#: Keys the JSON log sink sets on every record, this one included.
SINK_FIELDS = ("timestamp", "level", "message", "request_id", "function_name")
#: Keys it sets when the invocation has them.
SINK_OPTIONAL_FIELDS = ("tenant_id", "xray_trace_id")
#: Every key the sink owns: fields bound on the logger cannot replace them.
SINK_KEYS = frozenset((*SINK_FIELDS, *SINK_OPTIONAL_FIELDS))
#: Every key the record may carry before the user's metrics, dimensions and metadata.
RECORD_FIELDS = frozenset(
    (*SINK_KEYS, *PHASE_FIELDS, TOTAL_FIELD, OUTCOME_FIELD, COLD_START_FIELD, SERVICE_FIELD,
     EMF_FIELD, FIRST_BYTE_FIELD, BYTES_FIELD)
)
#: An invocation's outcome: success, or the phase that failed, or what the Runtime API said.
SUCCESS = "success"
#: Failed in phase i of (unmarshal, validate, handler, marshal).
FAILURE_OUTCOMES = ("unmarshal_error", "validation_error", "handler_error", "marshal_error")
UNMARSHAL_ERROR, VALIDATION_ERROR, HANDLER_ERROR, MARSHAL_ERROR = FAILURE_OUTCOMES
#: The Runtime API refused the answer (400 and the like).
POST_REJECTED = "post_rejected"
#: A streamed answer whose connection failed midway.
STREAM_BROKEN = "stream_broken"
OUTCOMES = (SUCCESS, *FAILURE_OUTCOMES, POST_REJECTED, STREAM_BROKEN)
#: Each phase's field by phase name, for readers that single one out: FIELD_OF_PHASE["post"].
FIELD_OF_PHASE = dict(zip(PHASES, PHASE_FIELDS, strict=True))
