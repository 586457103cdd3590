"""The emulator's HTTP/1.1 layer (issue 19's layout)."""
