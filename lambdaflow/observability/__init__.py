"""Observability: the structured log lines and the per-invocation metrics record.

- `log_state`: the current invocation's ids every record is stamped with
- `runtime_log`: lambdaflow's own logger front; loguru loaded at the first record
- `log_sink`: the loguru sink writing Lambda's JSON (or TEXT) lines
- `stdlib_bridge`: stdlib `logging` routed to the same sink
- `metrics_record`: the `invocation.metrics` record's fields, outcomes and the sink's own keys
- `timings`: when each phase of one invocation ended
- `metrics_line`: `log_metrics`, the one writer of the record
- `emf`: the record in CloudWatch's Embedded Metric Format, when configured
- `emf_rules`: what CloudWatch accepts in an EMF record

The function's own metrics API is the public `lambdaflow.metrics`.
"""
