# Python imports this file at start-up (sitecustomize) in the moto_server that src/sandbox/moto.ts starts:
# its folder is put first on PYTHONPATH, and BOOTSTRAP_MOTO_PATCH=1 is set. It makes moto 5.2.1 behave as
# AWS does in two places this project depends on; nothing else changes.
#
# 1. One request at a time. moto_server serves each request on its own thread, but moto's backends are not
#    thread-safe: a request that walks the security groups while another creates one fails with
#    "RuntimeError: dictionary changed size during iteration" (HTTP 500); races of this kind made the
#    deploy tests flaky under load. AWS applies each call atomically; so does moto here.
# 2. Bucket policies as for an HTTPS request. moto evaluates only StringEquals, treats every other
#    condition as met, and turns a statement whose condition is not met into a Deny (AWS: the statement
#    does not apply). The state bucket's Deny on {"Bool": {"aws:SecureTransport": "false"}} would then
#    refuse every object request, although terraform and the SDKs use HTTPS against real S3, where that
#    Deny never applies to them. Here the request context carries aws:SecureTransport = "true" and Bool
#    conditions are compared. What cannot be rehearsed: S3 refusing a plain-HTTP client.
import os
import sys
import threading

SUPPORTED = "5.2."


def _apply() -> None:
    import moto
    from moto.iam import access_control, policy_conditions
    from moto.moto_server import werkzeug_app
    from moto.s3 import models as s3_models

    patched = (
        werkzeug_app.DomainDispatcherApplication,
        s3_models.FakeBucket,
        access_control.IAMPolicyStatement,
    )
    if not moto.__version__.startswith(SUPPORTED) or not all(
        hasattr(cls, name) for cls, name in zip(patched, ("__call__", "get_permission", "is_action_permitted"))
    ):
        sys.stderr.write(
            f"bootstrap-aws: moto {moto.__version__} is not the version this project's moto patch was written for "
            f"({SUPPORTED}x); install it with: pip install 'moto[server]==5.2.1'\n"
        )
        sys.exit(3)

    # 1. Serial requests: the whole WSGI call, body included, under one lock.
    lock = threading.Lock()
    dispatch = werkzeug_app.DomainDispatcherApplication.__call__

    def serial_call(self, environ, start_response):
        with lock:
            body = dispatch(self, environ, start_response)
            try:
                return list(body)
            finally:
                close = getattr(body, "close", None)
                if close is not None:
                    close()

    werkzeug_app.DomainDispatcherApplication.__call__ = serial_call

    # 2. Bucket policies evaluated for an HTTPS request.
    def bool_operation(expected, actual):
        values = expected if isinstance(expected, list) else [expected]
        return str(actual).lower() in [str(value).lower() for value in values]

    policy_conditions.CONDITION_OPERATIONS["Bool"] = bool_operation

    def get_permission(self, action, resource):
        if self.policy is None:
            return access_control.PermissionResult.NEUTRAL
        policy = access_control.IAMPolicy(self.policy.decode())
        return policy.is_action_permitted(action, resource, incoming_condition_values={"aws:SecureTransport": "true"})

    s3_models.FakeBucket.get_permission = get_permission

    statement_permits = access_control.IAMPolicyStatement.is_action_permitted

    def is_action_permitted(self, action, resource="*", principal=None, incoming_condition_values=None):
        result = statement_permits(self, action, resource, principal, incoming_condition_values)
        # A statement whose condition is not met does not apply, whatever its effect.
        if result == access_control.PermissionResult.DENIED and not self._check_conditions(incoming_condition_values):
            return access_control.PermissionResult.NEUTRAL
        return result

    access_control.IAMPolicyStatement.is_action_permitted = is_action_permitted


if os.environ.get("BOOTSTRAP_MOTO_PATCH") == "1":
    _apply()
