"""The execution environment the emulator runs: one runtime process and its lifecycle.

- `states`: the lifecycle as a table, (phase, event) -> next phase
- `sandbox`: `Sandbox`, which drives the table and feeds the runtime invocations in order
- `conversation`: one Runtime API conversation: its phase, its invocation, its /next
- `pending_invoke`: one invocation from the invoke endpoint through the runtime and back
- `scheduling`: the clock, the deadline timer and the queue of waiting invokes
- `process`: the runtime process: spawn, forward output, notice exit, end
- `memory`: peak resident memory of the runtime's process tree
"""
