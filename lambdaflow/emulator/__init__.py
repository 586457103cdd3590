"""A local Lambda emulator, a drop-in for AWS's Runtime Interface Emulator (RIE).

Run ``python -m lambdaflow.emulator --help``. Modules, one concern each: ``cli`` and ``config``
(settings), ``http11`` (the HTTP server), ``invoke_api`` and ``runtime_api`` (routes),
``sandbox`` (the lifecycle state machine), ``process`` (the runtime process), ``console``,
``report`` and ``memory`` (what is printed), ``rie_responses`` (the RIE's exact answers),
``extensions`` (shutdown notification), ``server`` (wiring and signals).
"""
