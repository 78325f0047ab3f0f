# Python imports this file at start-up (sitecustomize) in the moto_server that src/sandbox/moto.ts starts:
# its folder is put first on PYTHONPATH, and BOOTSTRAP_MOTO_PATCH=1 is set. It makes moto 5.2.1 behave as
# AWS does in the places this project depends on; nothing else changes.
#
# 1. One request at a time. moto_server serves each request on its own thread, but moto's backends are not
#    thread-safe: a request that walks the security groups while another creates one fails with
#    "RuntimeError: dictionary changed size during iteration" (HTTP 500); races of this kind made the
#    deploy tests flaky under load. AWS applies each call atomically; so does moto here.
# 2. Bucket policies evaluated as AWS does, for every S3 request, with the request's context.
#    moto's own: it checks a bucket's policy only on object requests, under a made-up action name
#    (`s3:<Method>Object`: s3:HeadObject, s3:DeleteObject for a version delete), compares only
#    StringEquals and treats every other condition as met, turns a statement whose condition is not met
#    into a Deny, and knows no request context (no aws:PrincipalArn, no aws:SecureTransport).
#    Here (AWS's rules, as its IAM docs state them): the request gets a context, aws:SecureTransport =
#    "true" (terraform and the SDKs use HTTPS against real S3), aws:PrincipalArn (the role of an
#    sts:AssumeRole session, or the IAM user, found by the request's access key in moto's own IAM
#    backends; absent for keys moto never issued), and the SSE headers
#    (s3:x-amz-server-side-encryption, s3:x-amz-server-side-encryption-aws-kms-key-id). The policy is
#    evaluated for the IAM action of the request (s3:DeleteObjectVersion for a delete with a versionId,
#    s3:PutBucketPolicy, s3:PutEncryptionConfiguration, ...), on bucket requests too, and an explicit
#    Deny refuses it (403 AccessDenied). Conditions: String/Arn Equals/Like and their Not forms, Bool,
#    Null, each with ...IfExists; a missing key makes a negated or ...IfExists operator true and any
#    other false; an operator not listed is treated as met, as moto does. Principals: "*" and
#    {"AWS": "*"} match every caller; {"AWS": <ARN or account>} the matching caller; service
#    principals no IAM caller. What moto still does not do: identity policies, the bucket owner's root
#    exemption for the policy calls, S3 refusing a plain-HTTP client, DeleteObjects' per-key
#    versionIds (evaluated as s3:DeleteObject), and a missing aws:PrincipalArn for keys moto never
#    issued (AWS always knows the caller).
# 3. KMS key policies: moto checks them only for DescribeKey, and then applies any Deny statement that
#    lists the action, whatever its principal and conditions. Here such a Deny is evaluated as above
#    (aws:PrincipalArn of the caller), so the state key's pipeline statements do not deny DescribeKey
#    to the operator who deploys the key. moto still enforces no key policy on other actions: the
#    evaluator tests (__tests__/stacks/state-reach.test.ts) prove those.
import os
import re
import sys
import threading

SUPPORTED = "5.2."

# moto's action names (data["Action"]) that are not the IAM action a bucket policy names.
_IAM_ACTION = {
    "HeadBucket": "ListBucket",
    "GetPublicAccessBlock": "GetBucketPublicAccessBlock",
    "PutPublicAccessBlock": "PutBucketPublicAccessBlock",
    "DeletePublicAccessBlock": "PutBucketPublicAccessBlock",
    "HeadObject": "GetObject",
    "PostObject": "PutObject",
}

# Bucket writes by query parameter: moto's own map misses some (e.g. ?encryption, ?ownershipControls),
# which it then names CreateBucket.
_BUCKET_WRITES = {
    ("PUT", "policy"): "PutBucketPolicy",
    ("DELETE", "policy"): "DeleteBucketPolicy",
    ("PUT", "versioning"): "PutBucketVersioning",
    ("PUT", "lifecycle"): "PutLifecycleConfiguration",
    ("DELETE", "lifecycle"): "PutLifecycleConfiguration",
    ("PUT", "encryption"): "PutEncryptionConfiguration",
    ("DELETE", "encryption"): "PutEncryptionConfiguration",
    ("PUT", "publicAccessBlock"): "PutBucketPublicAccessBlock",
    ("DELETE", "publicAccessBlock"): "PutBucketPublicAccessBlock",
    ("PUT", "ownershipControls"): "PutBucketOwnershipControls",
    ("DELETE", "ownershipControls"): "PutBucketOwnershipControls",
    ("PUT", "logging"): "PutBucketLogging",
    ("PUT", "tagging"): "PutBucketTagging",
    ("DELETE", "tagging"): "PutBucketTagging",
    ("PUT", "acl"): "PutBucketAcl",
    ("PUT", "cors"): "PutBucketCORS",
    ("DELETE", "cors"): "PutBucketCORS",
    ("PUT", "website"): "PutBucketWebsite",
    ("DELETE", "website"): "DeleteBucketWebsite",
    ("PUT", "replication"): "PutReplicationConfiguration",
    ("DELETE", "replication"): "PutReplicationConfiguration",
    ("PUT", "object-lock"): "PutBucketObjectLockConfiguration",
    ("PUT", "notification"): "PutBucketNotification",
    ("PUT", "accelerate"): "PutAccelerateConfiguration",
}

_NEGATED = ("StringNotEquals", "StringNotLike", "ArnNotEquals", "ArnNotLike")


def _like(pattern, value, ignore_case=False):
    regex = "^" + ".*".join(".".join(re.escape(part) for part in chunk.split("?")) for chunk in pattern.split("*")) + "$"
    return re.match(regex, value, re.IGNORECASE if ignore_case else 0) is not None


def _operator_holds(operator, expected, actual):
    """AWS's single-valued condition operators; None when this patch does not know the operator."""
    if operator.endswith("IfExists"):
        if actual is None:
            return True
        operator = operator[: -len("IfExists")]
    values = [str(value) for value in (expected if isinstance(expected, list) else [expected])]
    if operator == "Null":
        return any((actual is None) == (value.lower() == "true") for value in values)
    if actual is None:
        return operator in _NEGATED
    compare = {
        "StringEquals": lambda value: actual == value,
        "StringLike": lambda value: _like(value, actual),
        "ArnEquals": lambda value: actual == value,
        "ArnLike": lambda value: _like(value, actual),
        "Bool": lambda value: actual.lower() == value.lower(),
    }
    positive = operator[: -len("NotEquals")] + "Equals" if operator.endswith("NotEquals") else operator
    positive = positive[: -len("NotLike")] + "Like" if positive.endswith("NotLike") else positive
    match = compare.get(positive)
    if match is None:
        return None
    matched = any(match(value) for value in values)
    return not matched if positive != operator else matched


def _conditions_hold(conditions, context):
    for operator, block in (conditions or {}).items():
        for key, expected in block.items():
            holds = _operator_holds(operator, expected, context.get(key))
            if holds is False:
                return False
    return True


def _listed(statement, element, value, ignore_case):
    entries = statement.get(element)
    entries = entries if isinstance(entries, list) else [entries]
    return any(_like(str(entry), value, ignore_case) for entry in entries)


def _principal_matches(principal, context):
    if principal is None or principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    caller = context.get("aws:PrincipalArn")
    for value in principal.get("AWS", []) if isinstance(principal.get("AWS"), list) else [principal.get("AWS")]:
        if value == "*":
            return True
        if caller is not None and value is not None:
            account = caller.split(":")[4] if caller.count(":") >= 5 else None
            if value in (caller, account, f"arn:aws:iam::{account}:root"):
                return True
    return False


def evaluate_policy(document, action, resource, context):
    """'DENIED', 'PERMITTED' or 'NEUTRAL': a resource policy's answer for one request, by AWS's rules."""
    statements = document.get("Statement", [])
    permitted = False
    for statement in statements if isinstance(statements, list) else [statements]:
        if "NotAction" in statement:
            if _listed(statement, "NotAction", action, True):
                continue
        elif not _listed(statement, "Action", action, True):
            continue
        if "NotResource" in statement:
            if _listed(statement, "NotResource", resource, False):
                continue
        elif "Resource" in statement and not _listed(statement, "Resource", resource, False):
            continue
        if "Principal" in statement and not _principal_matches(statement["Principal"], context):
            continue
        if not _conditions_hold(statement.get("Condition"), context):
            continue
        if statement.get("Effect") == "Deny":
            return "DENIED"
        permitted = True
    return "PERMITTED" if permitted else "NEUTRAL"


def principal_arn(access_key_id):
    """aws:PrincipalArn of moto's access key: the assumed role's ARN, or the IAM user's; None if unknown."""
    from moto.iam.models import iam_backends

    for account in list(iam_backends.values()):
        for backend in list(account.values()):
            key = backend.access_keys.get(access_key_id)
            if key is None:
                continue
            if key.role_arn:
                return key.role_arn
            if key.user_name:
                user = backend.users.get(key.user_name)
                return user.arn if user is not None else None
    return None


def _apply() -> None:
    import json

    import moto
    from moto.iam import access_control, policy_conditions
    from moto.kms import exceptions as kms_exceptions
    from moto.kms import responses as kms_responses
    from moto.moto_server import werkzeug_app
    from moto.s3 import exceptions as s3_exceptions
    from moto.s3 import models as s3_models
    from moto.s3 import responses as s3_responses

    patched = (
        werkzeug_app.DomainDispatcherApplication,
        s3_models.FakeBucket,
        access_control.IAMPolicyStatement,
        s3_responses.S3Response,
        s3_responses.S3Response,
        kms_responses.KmsResponse,
    )
    names = ("__call__", "get_permission", "is_action_permitted", "setup_class", "_authenticate_and_authorize_s3_action", "_validate_key_policy")
    if not moto.__version__.startswith(SUPPORTED) or not all(hasattr(cls, name) for cls, name in zip(patched, names)):
        sys.stderr.write(
            f"bootstrap-aws: moto {moto.__version__} is not the version this project's moto patch was written for "
            f"({SUPPORTED}x); install it with: pip install 'moto[server]==5.2.1'\n"
        )
        sys.exit(3)

    # 1. Serial requests: the whole WSGI call, body included, under one lock.
    lock = threading.Lock()
    dispatch = werkzeug_app.DomainDispatcherApplication.__call__
    request = threading.local()

    def serial_call(self, environ, start_response):
        with lock:
            request.context = None
            try:
                body = dispatch(self, environ, start_response)
                try:
                    return list(body)
                finally:
                    close = getattr(body, "close", None)
                    if close is not None:
                        close()
            finally:
                request.context = None

    werkzeug_app.DomainDispatcherApplication.__call__ = serial_call

    # Other policy checks of moto (e.g. PutBucketLogging's look at the target's policy) keep moto's
    # evaluator, with Bool compared and an unmet condition not turned into a Deny.
    def bool_operation(expected, actual):
        values = expected if isinstance(expected, list) else [expected]
        return str(actual).lower() in [str(value).lower() for value in values]

    policy_conditions.CONDITION_OPERATIONS["Bool"] = bool_operation
    statement_permits = access_control.IAMPolicyStatement.is_action_permitted

    def is_action_permitted(self, action, resource="*", principal=None, incoming_condition_values=None):
        result = statement_permits(self, action, resource, principal, incoming_condition_values)
        if result == access_control.PermissionResult.DENIED and not self._check_conditions(incoming_condition_values):
            return access_control.PermissionResult.NEUTRAL
        return result

    access_control.IAMPolicyStatement.is_action_permitted = is_action_permitted

    # 2. Bucket policies, as AWS evaluates them, with the request's context.
    setup_class = s3_responses.S3Response.setup_class

    def setup_with_context(self, req, full_url, headers):
        setup_class(self, req, full_url, headers)
        context = {"aws:SecureTransport": "true"}
        arn = principal_arn(self.get_access_key())
        if arn is not None:
            context["aws:PrincipalArn"] = arn
        for header in ("x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id"):
            value = self.headers.get(header)
            if value is not None:
                context[f"s3:{header}"] = value
        request.context = context

    s3_responses.S3Response.setup_class = setup_with_context

    def bucket_decision(bucket, action, resource):
        if bucket.policy is None:
            return access_control.PermissionResult.NEUTRAL
        context = getattr(request, "context", None) or {"aws:SecureTransport": "true"}
        answer = evaluate_policy(json.loads(bucket.policy.decode()), action, resource, context)
        return getattr(access_control.PermissionResult, answer)

    def get_permission(self, action, resource):
        # moto's object check names the action s3:<Method>Object; the central check below gives the IAM one.
        name = action.split(":", 1)[-1]
        return bucket_decision(self, f"s3:{_IAM_ACTION.get(name, name)}", resource)

    s3_models.FakeBucket.get_permission = get_permission

    authorize = s3_responses.S3Response._authenticate_and_authorize_s3_action

    def authorize_with_bucket_policy(self, bucket_name=None, key_name=None):
        authorize(self, bucket_name=bucket_name, key_name=key_name)
        if not bucket_name:
            return
        try:
            bucket = self.backend.get_bucket(bucket_name)
        except Exception:  # no such bucket (yet): nothing to evaluate
            return
        name = self.data.get("Action", "")
        if key_name is None:
            query = self.querystring if isinstance(getattr(self, "querystring", None), dict) else {}
            writes = [action for (method, param), action in _BUCKET_WRITES.items() if method == self.method and param in query]
            name = writes[0] if writes else name
        name = _IAM_ACTION.get(name, name)
        resource = f"arn:{bucket.partition}:s3:::{bucket_name}" + (f"/{key_name}" if key_name is not None else "")
        if bucket_decision(bucket, f"s3:{name}", resource) == access_control.PermissionResult.DENIED:
            raise s3_exceptions.BucketAccessDeniedError(bucket=bucket_name)

    s3_responses.S3Response._authenticate_and_authorize_s3_action = authorize_with_bucket_policy

    # 3. KMS: a key policy's Deny on DescribeKey applies only to the principals and conditions it names.
    def validate_key_policy(self, key_id, action):
        key = self.kms_backend.describe_key(self.kms_backend.get_key_id(key_id))
        try:
            document = json.loads(key.policy)
        except (TypeError, ValueError):
            return
        context = {}
        arn = principal_arn(self.get_access_key())
        if arn is not None:
            context["aws:PrincipalArn"] = arn
        denies = {"Statement": [s for s in document.get("Statement", []) if s.get("Effect") == "Deny"]}
        if evaluate_policy(denies, action, key.arn, context) == "DENIED":
            raise kms_exceptions.AccessDeniedException(message=f"Action {action} is not allowed by the given key policy")

    kms_responses.KmsResponse._validate_key_policy = validate_key_policy


if os.environ.get("BOOTSTRAP_MOTO_PATCH") == "1":
    _apply()
