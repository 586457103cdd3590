"""Concurrent invokes: the RIE panics on the second one; the emulator queues them in order."""

from __future__ import annotations

import json
import threading
import time

CALLERS = 50


def test_fifty_concurrent_invokes_are_all_answered_in_arrival_order(start_emulator) -> None:
    emulator = start_emulator()
    answers: dict[int, tuple[int, dict]] = {}
    # The first invoke holds the runtime so that all the others are queued behind it.
    holder = threading.Thread(
        target=lambda: answers.__setitem__(-1, emulator.invoke(b'{"mode": "sleep", "seconds": 1}'))
    )
    holder.start()
    emulator.wait_for_output(r"mode=sleep$")

    def call(index: int, sent: threading.Event) -> None:
        connection = emulator.connection()
        try:
            connection.request(
                "POST",
                "/2015-03-31/functions/function/invocations",
                json.dumps({"mode": "seq", "caller": index}),
            )
            sent.set()
            response = connection.getresponse()
            answers[index] = (response.status, json.loads(response.read()))
        finally:
            sent.set()
            connection.close()

    threads = []
    for index in range(CALLERS):
        sent = threading.Event()
        thread = threading.Thread(target=call, args=(index, sent))
        thread.start()
        threads.append(thread)
        sent.wait(30)  # the next caller starts only once this request is on the wire,
        time.sleep(0.05)  # and a moment later, so that "arrival order" is well defined
    for thread in [holder, *threads]:
        thread.join(60)
    assert not any(thread.is_alive() for thread in [holder, *threads])
    assert sorted(answers) == [-1, *range(CALLERS)]
    for index in range(CALLERS):
        status, answer = answers[index]
        assert status == 200
        assert answer["echo"] == {"mode": "seq", "caller": index}
    served_order = sorted(range(CALLERS), key=lambda index: answers[index][1]["n"])
    assert served_order == list(range(CALLERS))
    assert {answers[index][1]["pid"] for index in range(CALLERS)} == {answers[0][1]["pid"]}
