"""A trivial Lambda runtime on stdlib http.client: echo every event back (latency figures)."""

import http.client
import os

BASE = "/2018-06-01/runtime/invocation/"
connection = http.client.HTTPConnection(os.environ["AWS_LAMBDA_RUNTIME_API"])
while True:
    connection.request("GET", BASE + "next")
    response = connection.getresponse()
    event = response.read()
    request_id = response.getheader("Lambda-Runtime-Aws-Request-Id")
    connection.request("POST", BASE + request_id + "/response", body=event)
    connection.getresponse().read()
