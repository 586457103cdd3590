"""A local Lambda emulator, a drop-in for AWS's Runtime Interface Emulator (RIE).

Run ``python -m lambdaflow.emulator --help``. Modules, one concern each: ``cli`` and ``config``
(settings, the runtime's environment), ``http_messages`` and ``http11`` (HTTP/1.1 framing and
the server), ``invoke_routes`` and ``runtime_routes`` (routes), ``sandbox`` (the lifecycle state
machine), ``pending_invoke`` (one queued invoke), ``process`` (the runtime process),
``invocation_log``, ``console``, ``report`` and ``memory`` (what is printed), ``rie_responses``
(the RIE's exact answers), ``extensions`` (shutdown notification), ``server`` (wiring, signals).
"""
