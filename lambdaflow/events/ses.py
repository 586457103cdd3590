"""Amazon SES email receiving: a receipt rule's Lambda action, with the message's headers and
SES's verdicts (not the body: a rule that needs it stores the message in S3 first).

A synchronous (RequestResponse) action may answer `{"disposition": "STOP_RULE"}` and the like;
`SESReceiptResponse` is that answer.
"""

from __future__ import annotations

from ._fields import event_class, field


@event_class
class SESMailHeader:
    name: str
    value: str


@event_class
class SESMailCommonHeaders:
    return_path: str | None = field("returnPath", default=None)
    from_: list[str] | None = field("from", default=None)
    sender: str | None = field(default=None)
    reply_to: list[str] | None = field("replyTo", default=None)
    date: str | None = field(default=None)
    to: list[str] | None = field(default=None)
    cc: list[str] | None = field(default=None)
    bcc: list[str] | None = field(default=None)
    message_id: str | None = field("messageId", default=None)
    subject: str | None = field(default=None)


@event_class
class SESMail:
    timestamp: str
    source: str
    message_id: str = field("messageId")
    destination: list[str]
    headers_truncated: bool = field("headersTruncated")
    headers: list[SESMailHeader]
    common_headers: SESMailCommonHeaders = field("commonHeaders")


@event_class
class SESReceiptStatus:
    #: "PASS", "FAIL", "GRAY" or "PROCESSING_FAILED".
    status: str


@event_class
class SESReceiptAction:
    #: "Lambda" here; "S3" or "SNS" when an earlier action of the rule stored or published it.
    type: str
    function_arn: str | None = field("functionArn", default=None)
    invocation_type: str | None = field("invocationType", default=None)
    topic_arn: str | None = field("topicArn", default=None)
    bucket_name: str | None = field("bucketName", default=None)
    object_key_prefix: str | None = field("objectKeyPrefix", default=None)
    object_key: str | None = field("objectKey", default=None)


@event_class
class SESReceipt:
    timestamp: str
    processing_time_millis: int = field("processingTimeMillis")
    recipients: list[str]
    spam_verdict: SESReceiptStatus = field("spamVerdict")
    virus_verdict: SESReceiptStatus = field("virusVerdict")
    spf_verdict: SESReceiptStatus = field("spfVerdict")
    dkim_verdict: SESReceiptStatus = field("dkimVerdict")
    dmarc_verdict: SESReceiptStatus | None = field("dmarcVerdict", default=None)
    dmarc_policy: str | None = field("dmarcPolicy", default=None)
    action: SESReceiptAction


@event_class
class SESMessage:
    mail: SESMail
    receipt: SESReceipt


@event_class
class SESEventRecord:
    event_source: str = field("eventSource")
    event_version: str = field("eventVersion")
    ses: SESMessage


@event_class
class SESEvent:
    records: list[SESEventRecord] = field("Records")


@event_class
class SESReceiptResponse:
    """A synchronous action's answer: "CONTINUE", "STOP_RULE" or "STOP_RULE_SET"."""

    disposition: str
