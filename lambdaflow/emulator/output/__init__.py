"""What the emulator prints: START, END and REPORT lines beside the runtime's own output.

- `console`: one stdout stream for the emulator's lines and the runtime's
- `invocation_log`: each invocation's lines, written when its caller has the answer
- `report`: the RIE's exact line formats, with honest figures
"""
