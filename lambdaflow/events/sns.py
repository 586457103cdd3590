"""Amazon SNS: a topic's notification delivered to a subscribed function (one record)."""

from __future__ import annotations

from ._fields import event_class, field


@event_class
class SNSMessageAttribute:
    """A message attribute as SNS delivers it: `type` is String, Number, Binary or String.Array."""

    type: str = field("Type")
    value: str = field("Value")


@event_class
class SNSMessage:
    signature_version: str = field("SignatureVersion")
    timestamp: str = field("Timestamp")
    signature: str = field("Signature")
    signing_cert_url: str = field("SigningCertUrl")
    message_id: str = field("MessageId")
    message: str = field("Message")
    message_attributes: dict[str, SNSMessageAttribute] | None = field(
        "MessageAttributes", default=None
    )
    type: str = field("Type")
    unsubscribe_url: str = field("UnsubscribeUrl")
    topic_arn: str = field("TopicArn")
    #: SNS sends `null` when the publisher gave no subject.
    subject: str | None = field("Subject", default=None, emit_default=True)


@event_class
class SNSEventRecord:
    event_version: str = field("EventVersion")
    event_subscription_arn: str = field("EventSubscriptionArn")
    event_source: str = field("EventSource")
    sns: SNSMessage = field("Sns")


@event_class
class SNSEvent:
    records: list[SNSEventRecord] = field("Records")
