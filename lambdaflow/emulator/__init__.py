"""A local Lambda emulator, a drop-in for AWS's Runtime Interface Emulator (RIE).

Run ``python -m lambdaflow.emulator --help``. It imports nothing of the runtime.

- `__main__`: `python -m lambdaflow.emulator`
- `cli`: the command line (the RIE's flags and lambdaflow's own)
- `config`: the settings, and the environment the runtime process is started with
- `server`: wires the pieces together and runs until SIGINT or SIGTERM
- `http/`: HTTP/1.1 parsing and the asyncio server
- `sandbox/`: the runtime process and its lifecycle table
- `routes/`: the invoke, Function URL, Runtime API and Extensions API endpoints
- `output/`: START/END/REPORT lines and the runtime's output
- `durable/`: the durable-functions backend (`--durable`)
"""
