"""Amazon Cognito user pool Lambda triggers: one event class per trigger (Powertools' names).

Every trigger sends the same envelope (`trigger_source`, `user_pool_id`, `user_name`,
`caller_context`) with its own `request`, and expects the event back with `response` filled
in: set the response's fields and return the event. Response fields left None are not sent.
User attributes are strings, but a few triggers send `"email_verified": true`, so they are
kept as the JSON values sent.
"""

from __future__ import annotations

from typing import Any

import attrs

from ._fields import event_class, field


@event_class
class CallerContext:
    aws_sdk_version: str | None = field("awsSdkVersion", default=None)
    client_id: str | None = field("clientId", default=None)


@event_class
class ChallengeResult:
    challenge_name: str = field("challengeName")
    challenge_result: bool = field("challengeResult")
    challenge_metadata: str | None = field("challengeMetadata", default=None)


@event_class
class GroupOverrideDetails:
    groups_to_override: list[str] | None = field("groupsToOverride", default=None)
    iam_roles_to_override: list[str] | None = field("iamRolesToOverride", default=None)
    preferred_role: str | None = field("preferredRole", default=None, emit_default=True)


def _response(cls: type) -> Any:
    """A trigger's `response`: absent or `{}` in what Cognito sends, filled by the handler."""
    return field(default=attrs.Factory(cls), emit_default=True)


def _attributes() -> Any:
    return field("userAttributes", default=attrs.Factory(dict), emit_default=True)


def _metadata(json_key: str) -> Any:
    return field(json_key, default=None)


@event_class
class _Trigger:
    version: str
    trigger_source: str = field("triggerSource")
    region: str
    user_pool_id: str = field("userPoolId")
    user_name: str | None = field("userName", default=None)
    caller_context: CallerContext = field("callerContext")


# -- sign-up and confirmation ----------------------------------------------------------------


@event_class
class PreSignUpTriggerEventRequest:
    user_attributes: dict[str, Any] = _attributes()
    validation_data: dict[str, str] | None = _metadata("validationData")
    client_metadata: dict[str, str] | None = _metadata("clientMetadata")


@event_class
class PreSignUpTriggerEventResponse:
    auto_confirm_user: bool | None = field("autoConfirmUser", default=None)
    auto_verify_email: bool | None = field("autoVerifyEmail", default=None)
    auto_verify_phone: bool | None = field("autoVerifyPhone", default=None)


@event_class
class PreSignUpTriggerEvent(_Trigger):
    request: PreSignUpTriggerEventRequest
    response: PreSignUpTriggerEventResponse = _response(PreSignUpTriggerEventResponse)


@event_class
class PostConfirmationTriggerEventRequest:
    user_attributes: dict[str, Any] = _attributes()
    client_metadata: dict[str, str] | None = _metadata("clientMetadata")


@event_class
class EmptyResponse:
    """The response of a trigger whose answer is only "go on" (or an exception to refuse)."""


@event_class
class PostConfirmationTriggerEvent(_Trigger):
    request: PostConfirmationTriggerEventRequest
    response: EmptyResponse = _response(EmptyResponse)


@event_class
class UserMigrationTriggerEventRequest:
    password: str | None = field(default=None)
    validation_data: dict[str, str] | None = _metadata("validationData")
    client_metadata: dict[str, str] | None = _metadata("clientMetadata")


@event_class
class UserMigrationTriggerEventResponse:
    user_attributes: dict[str, Any] | None = field("userAttributes", default=None)
    final_user_status: str | None = field("finalUserStatus", default=None)
    message_action: str | None = field("messageAction", default=None)
    desired_delivery_mediums: list[str] | None = field("desiredDeliveryMediums", default=None)
    force_alias_creation: bool | None = field("forceAliasCreation", default=None)
    enable_sms_mfa: bool | None = field("enableSMSMFA", default=None)


@event_class
class UserMigrationTriggerEvent(_Trigger):
    request: UserMigrationTriggerEventRequest
    response: UserMigrationTriggerEventResponse = _response(UserMigrationTriggerEventResponse)


@event_class
class CustomMessageTriggerEventRequest:
    user_attributes: dict[str, Any] = _attributes()
    code_parameter: str | None = field("codeParameter", default=None)
    link_parameter: str | None = field("linkParameter", default=None)
    username_parameter: str | None = field("usernameParameter", default=None)
    client_metadata: dict[str, str] | None = _metadata("clientMetadata")


@event_class
class CustomMessageTriggerEventResponse:
    sms_message: str | None = field("smsMessage", default=None)
    email_message: str | None = field("emailMessage", default=None)
    email_subject: str | None = field("emailSubject", default=None)


@event_class
class CustomMessageTriggerEvent(_Trigger):
    request: CustomMessageTriggerEventRequest
    response: CustomMessageTriggerEventResponse = _response(CustomMessageTriggerEventResponse)


# -- authentication --------------------------------------------------------------------------


@event_class
class PreAuthenticationTriggerEventRequest:
    user_attributes: dict[str, Any] = _attributes()
    user_not_found: bool | None = field("userNotFound", default=None)
    validation_data: dict[str, str] | None = _metadata("validationData")


@event_class
class PreAuthenticationTriggerEvent(_Trigger):
    request: PreAuthenticationTriggerEventRequest
    response: EmptyResponse = _response(EmptyResponse)


@event_class
class PostAuthenticationTriggerEventRequest:
    user_attributes: dict[str, Any] = _attributes()
    new_device_used: bool | None = field("newDeviceUsed", default=None)
    client_metadata: dict[str, str] | None = _metadata("clientMetadata")


@event_class
class PostAuthenticationTriggerEvent(_Trigger):
    request: PostAuthenticationTriggerEventRequest
    response: EmptyResponse = _response(EmptyResponse)


@event_class
class GroupConfiguration:
    groups_to_override: list[str] = field(
        "groupsToOverride", default=attrs.Factory(list), emit_default=True
    )
    iam_roles_to_override: list[str] = field(
        "iamRolesToOverride", default=attrs.Factory(list), emit_default=True
    )
    preferred_role: str | None = field("preferredRole", default=None, emit_default=True)


@event_class
class PreTokenGenerationTriggerEventRequest:
    user_attributes: dict[str, Any] = _attributes()
    group_configuration: GroupConfiguration = field(
        "groupConfiguration", default=attrs.Factory(GroupConfiguration), emit_default=True
    )
    client_metadata: dict[str, str] | None = _metadata("clientMetadata")
    #: V2 (pretokengen v2/v3): the access token's scopes.
    scopes: list[str] | None = field(default=None)


@event_class
class ClaimsOverrideDetails:
    claims_to_add_or_override: dict[str, Any] | None = field(
        "claimsToAddOrOverride", default=None
    )
    claims_to_suppress: list[str] | None = field("claimsToSuppress", default=None)
    group_override_details: GroupOverrideDetails | None = field(
        "groupOverrideDetails", default=None
    )


@event_class
class PreTokenGenerationTriggerEventResponse:
    claims_override_details: ClaimsOverrideDetails | None = field(
        "claimsOverrideDetails", default=None
    )


@event_class
class PreTokenGenerationTriggerEvent(_Trigger):
    request: PreTokenGenerationTriggerEventRequest
    response: PreTokenGenerationTriggerEventResponse = _response(
        PreTokenGenerationTriggerEventResponse
    )


@event_class
class TokenGeneration:
    claims_to_add_or_override: dict[str, Any] | None = field(
        "claimsToAddOrOverride", default=None
    )
    claims_to_suppress: list[str] | None = field("claimsToSuppress", default=None)
    #: Access token only.
    scopes_to_add: list[str] | None = field("scopesToAdd", default=None)
    scopes_to_suppress: list[str] | None = field("scopesToSuppress", default=None)


@event_class
class ClaimsAndScopeOverrideDetails:
    id_token_generation: TokenGeneration | None = field("idTokenGeneration", default=None)
    access_token_generation: TokenGeneration | None = field(
        "accessTokenGeneration", default=None
    )
    group_override_details: GroupOverrideDetails | None = field(
        "groupOverrideDetails", default=None
    )


@event_class
class PreTokenGenerationV2TriggerEventResponse:
    claims_and_scope_override_details: ClaimsAndScopeOverrideDetails | None = field(
        "claimsAndScopeOverrideDetails", default=None
    )


@event_class
class PreTokenGenerationV2TriggerEvent(_Trigger):
    request: PreTokenGenerationTriggerEventRequest
    response: PreTokenGenerationV2TriggerEventResponse = _response(
        PreTokenGenerationV2TriggerEventResponse
    )


# -- custom authentication challenges --------------------------------------------------------


@event_class
class DefineAuthChallengeTriggerEventRequest:
    user_attributes: dict[str, Any] = _attributes()
    session: list[ChallengeResult] = field(default=attrs.Factory(list), emit_default=True)
    user_not_found: bool | None = field("userNotFound", default=None)
    client_metadata: dict[str, str] | None = _metadata("clientMetadata")


@event_class
class DefineAuthChallengeTriggerEventResponse:
    challenge_name: str | None = field("challengeName", default=None)
    issue_tokens: bool | None = field("issueTokens", default=None)
    fail_authentication: bool | None = field("failAuthentication", default=None)


@event_class
class DefineAuthChallengeTriggerEvent(_Trigger):
    request: DefineAuthChallengeTriggerEventRequest
    response: DefineAuthChallengeTriggerEventResponse = _response(
        DefineAuthChallengeTriggerEventResponse
    )


@event_class
class CreateAuthChallengeTriggerEventRequest:
    user_attributes: dict[str, Any] = _attributes()
    challenge_name: str = field("challengeName")
    session: list[ChallengeResult] = field(default=attrs.Factory(list), emit_default=True)
    user_not_found: bool | None = field("userNotFound", default=None)
    client_metadata: dict[str, str] | None = _metadata("clientMetadata")


@event_class
class CreateAuthChallengeTriggerEventResponse:
    public_challenge_parameters: dict[str, str] | None = field(
        "publicChallengeParameters", default=None
    )
    private_challenge_parameters: dict[str, str] | None = field(
        "privateChallengeParameters", default=None
    )
    challenge_metadata: str | None = field("challengeMetadata", default=None)


@event_class
class CreateAuthChallengeTriggerEvent(_Trigger):
    request: CreateAuthChallengeTriggerEventRequest
    response: CreateAuthChallengeTriggerEventResponse = _response(
        CreateAuthChallengeTriggerEventResponse
    )


@event_class
class VerifyAuthChallengeResponseTriggerEventRequest:
    user_attributes: dict[str, Any] = _attributes()
    private_challenge_parameters: dict[str, str] | None = field(
        "privateChallengeParameters", default=None
    )
    challenge_answer: Any = field("challengeAnswer", default=None)
    user_not_found: bool | None = field("userNotFound", default=None)
    client_metadata: dict[str, str] | None = _metadata("clientMetadata")


@event_class
class VerifyAuthChallengeResponseTriggerEventResponse:
    answer_correct: bool | None = field("answerCorrect", default=None)


@event_class
class VerifyAuthChallengeResponseTriggerEvent(_Trigger):
    request: VerifyAuthChallengeResponseTriggerEventRequest
    response: VerifyAuthChallengeResponseTriggerEventResponse = _response(
        VerifyAuthChallengeResponseTriggerEventResponse
    )


# -- federation ------------------------------------------------------------------------------


@event_class
class InboundFederationTriggerEventRequest:
    provider_name: str = field("providerName")
    #: "OIDC" or "SAML".
    provider_type: str = field("providerType")
    #: OIDC: `tokenResponse`, `idToken`, `userInfo`; SAML: `samlResponse`.
    attributes: dict[str, Any] = field(default=attrs.Factory(dict), emit_default=True)


@event_class
class InboundFederationTriggerEventResponse:
    user_attributes_to_map: dict[str, str] | None = field("userAttributesToMap", default=None)


@event_class
class InboundFederationTriggerEvent(_Trigger):
    request: InboundFederationTriggerEventRequest
    response: InboundFederationTriggerEventResponse = _response(
        InboundFederationTriggerEventResponse
    )
