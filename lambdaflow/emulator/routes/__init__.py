"""The emulator's HTTP fronts: invoke endpoints, the Runtime API, Function URLs, API Gateway."""
