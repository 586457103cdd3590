"""Amazon Bedrock Agents action groups: the call an agent makes (an OpenAPI operation, or a
function with parameters) and the response it reads back.

An action group defined by an OpenAPI schema sends `api_path`, `http_method` and maybe a
`request_body`, and takes `response_body` keyed by content type; one defined by function
details sends `function` and takes a `function_response`.
"""

from __future__ import annotations

from typing import Any

from ._fields import event_class, field


@event_class
class BedrockAgentInfo:
    name: str
    id: str
    alias: str
    version: str


@event_class
class BedrockAgentProperty:
    name: str
    #: "string", "number", "integer", "boolean" or "array": the value is always a string.
    type: str
    value: str


@event_class
class BedrockAgentRequestMedia:
    properties: list[BedrockAgentProperty]


@event_class
class BedrockAgentRequestBody:
    #: Content type ("application/json") -> its properties.
    content: dict[str, BedrockAgentRequestMedia]


@event_class
class BedrockAgentEvent:
    message_version: str = field("messageVersion")
    input_text: str = field("inputText")
    session_id: str = field("sessionId")
    action_group: str = field("actionGroup")
    agent: BedrockAgentInfo
    api_path: str | None = field("apiPath", default=None)
    http_method: str | None = field("httpMethod", default=None)
    function: str | None = field(default=None)
    parameters: list[BedrockAgentProperty] | None = field(default=None)
    request_body: BedrockAgentRequestBody | None = field("requestBody", default=None)
    session_attributes: dict[str, str] | None = field("sessionAttributes", default=None)
    prompt_session_attributes: dict[str, str] | None = field(
        "promptSessionAttributes", default=None
    )

    def response(
        self, status_code: int, body: str, content_type: str = "application/json"
    ) -> BedrockAgentResponse:
        """The answer to an OpenAPI action, echoing this call's action group, path and method,
        and its session attributes."""
        return BedrockAgentResponse(
            message_version=self.message_version,
            response=BedrockAgentFunctionResponse(
                action_group=self.action_group,
                api_path=self.api_path,
                http_method=self.http_method,
                http_status_code=status_code,
                response_body={content_type: {"body": body}},
            ),
            session_attributes=self.session_attributes,
            prompt_session_attributes=self.prompt_session_attributes,
        )


@event_class
class BedrockAgentFunctionResponse:
    action_group: str = field("actionGroup")
    api_path: str | None = field("apiPath", default=None)
    http_method: str | None = field("httpMethod", default=None)
    http_status_code: int | None = field("httpStatusCode", default=None)
    #: OpenAPI actions: content type -> `{"body": "..."}`.
    response_body: dict[str, dict[str, Any]] | None = field("responseBody", default=None)
    #: Function actions: the function's name and `{"responseBody": {"TEXT": {"body": ...}}}`.
    function: str | None = field(default=None)
    function_response: dict[str, Any] | None = field("functionResponse", default=None)


@event_class
class BedrockAgentResponse:
    message_version: str = field("messageVersion")
    response: BedrockAgentFunctionResponse
    session_attributes: dict[str, str] | None = field("sessionAttributes", default=None)
    prompt_session_attributes: dict[str, str] | None = field(
        "promptSessionAttributes", default=None
    )
