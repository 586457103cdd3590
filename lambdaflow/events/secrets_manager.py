"""AWS Secrets Manager rotation: one step of a rotation (createSecret, setSecret, testSecret,
finishSecret), called once per step with the version being rotated in."""

from __future__ import annotations

from ._fields import event_class, field


@event_class
class SecretsManagerEvent:
    secret_id: str = field("SecretId")
    #: The version id of the secret being created (the rotation's idempotency token).
    client_request_token: str = field("ClientRequestToken")
    step: str = field("Step")
    #: Set for rotations of managed external secrets and cross-account calls.
    rotation_token: str | None = field("RotationToken", default=None)
