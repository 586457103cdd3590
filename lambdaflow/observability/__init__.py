"""Observability: the structured log lines and the per-invocation metrics record.

- `log_state`: the current invocation's ids every record is stamped with
- `runtime_log`: lambdaflow's own logger front; loguru loaded only when a record needs it
- `log_line`: a record as Lambda's JSON (or TEXT) line, written without loguru when it may be
- `log_sink`: the loguru sink writing those lines, and `logger` with the same fast path
- `stdlib_bridge`: stdlib `logging` routed to the same sink
- `metrics_record`: the `invocation.metrics` record's fields, outcomes and the sink's own keys
- `timings`: when each phase of one invocation ended
- `metrics_line`: `log_metrics`, the one writer of the record
- `emf`: the record in CloudWatch's Embedded Metric Format, when configured
- `emf_rules`: what CloudWatch accepts in an EMF record

The function's own metrics API is the public `lambdaflow.metrics`.
"""
