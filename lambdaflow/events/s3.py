"""Amazon S3 event notifications: objects created, removed, restored... in a bucket."""

from __future__ import annotations

import urllib.parse

from ._fields import event_class, field


@event_class
class S3Identity:
    principal_id: str = field("principalId")


@event_class
class S3RequestParameters:
    source_ip_address: str = field("sourceIPAddress")


@event_class
class S3ResponseElements:
    x_amz_request_id: str = field("x-amz-request-id")
    x_amz_id_2: str = field("x-amz-id-2")


@event_class
class S3Bucket:
    name: str
    owner_identity: S3Identity = field("ownerIdentity")
    arn: str


@event_class
class S3Object:
    """`key` is URL-encoded as S3 sends it (`my+file.txt`); `unquoted_key` is the object's name.

    Removal events carry no size or eTag.
    """

    key: str
    size: int | None = field(default=None)
    e_tag: str | None = field("eTag", default=None)
    version_id: str | None = field("versionId", default=None)
    sequencer: str

    @property
    def unquoted_key(self) -> str:
        return urllib.parse.unquote_plus(self.key)


@event_class
class S3Message:
    s3_schema_version: str = field("s3SchemaVersion")
    configuration_id: str = field("configurationId")
    bucket: S3Bucket
    object: S3Object


@event_class
class S3EventRecord:
    event_version: str = field("eventVersion")
    event_source: str = field("eventSource")
    aws_region: str = field("awsRegion")
    event_time: str = field("eventTime")
    event_name: str = field("eventName")
    user_identity: S3Identity = field("userIdentity")
    request_parameters: S3RequestParameters = field("requestParameters")
    response_elements: S3ResponseElements = field("responseElements")
    s3: S3Message


@event_class
class S3Event:
    records: list[S3EventRecord] = field("Records")
