"""The `invocation.metrics` record's name and fields: the runtime writes them, the benchmark
suite and the tests read them. A leaf module, so readers import no runtime code.
"""

#: The record's `message`.
METRICS_MESSAGE = "invocation.metrics"
#: The phases, in the order they run; each is logged as `<phase>_ms` and they add up to total.
PHASES = ("next", "unmarshal", "validate", "handler", "marshal", "post")
PHASE_FIELDS = tuple(f"{phase}_ms" for phase in PHASES)
TOTAL_FIELD = "total_ms"
OUTCOME_FIELD = "outcome"
#: Each phase's field by phase name, for readers that single one out: FIELD_OF_PHASE["post"].
FIELD_OF_PHASE = dict(zip(PHASES, PHASE_FIELDS, strict=True))
