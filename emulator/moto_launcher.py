"""
Starts moto's server on 127.0.0.1, filling the gaps of the moto version on our machines that the
m2m-auth stacks hit. Each patch names the moto version it was written for and the real API it stands
in for, and steps aside when the installed moto has the operation itself.

Prints "moto <version>, patched: <operations>", then "listening on http://127.0.0.1:<port>" once the
socket accepts connections, and serves until SIGTERM or SIGINT.

    python3 emulator/moto_launcher.py [--port 0] [--host 127.0.0.1]
"""

import argparse
import inspect
import os
import signal
import sys

import moto
from moto.cognitoidp import models as cognito_models
from moto.cognitoidp import responses as cognito_responses
from moto.cognitoidp.exceptions import ResourceNotFoundError
from moto.core.responses import EmptyResult
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server

Backend = cognito_models.CognitoIdpBackend
Responses = cognito_responses.CognitoIdpResponse
Domain = cognito_models.CognitoIdpUserPoolDomain

applied = []


def patch_delete_resource_server():
    """
    moto 5.2.1 has no DeleteResourceServer ("not been implemented"), so the AWS provider retries it
    until its timeout and `terraform destroy` hangs. The real API removes the resource server from
    the pool and answers 200 with an empty body, or ResourceNotFoundException when there is none.
    """
    if hasattr(Responses, "delete_resource_server"):
        return

    def backend_delete(self, user_pool_id, identifier):
        user_pool = self.describe_user_pool(user_pool_id)
        if identifier not in user_pool.resource_servers:
            raise ResourceNotFoundError(f"Resource server {identifier} does not exist.")
        del user_pool.resource_servers[identifier]

    def respond(self):
        self.backend.delete_resource_server(
            self._get_param("UserPoolId"), self._get_param("Identifier")
        )
        return EmptyResult()

    Backend.delete_resource_server = backend_delete
    Responses.delete_resource_server = respond
    applied.append("DeleteResourceServer")


def patch_managed_login_version():
    """
    moto 5.2.1 ignores CreateUserPoolDomain's and UpdateUserPoolDomain's ManagedLoginVersion and
    DescribeUserPoolDomain never returns it, so every plan after a deploy shows
    managed_login_version 0 -> 2. The real API keeps the version (1 classic hosted UI, 2 managed
    login) and returns it in DomainDescription.ManagedLoginVersion.
    """
    if "ManagedLoginVersion" in inspect.getsource(Domain):
        return

    original_to_json = Domain.to_json

    def to_json(self, extended=True):
        description = original_to_json(self, extended)
        if extended:
            description["ManagedLoginVersion"] = getattr(self, "managed_login_version", 1)
        return description

    original_create = Responses.create_user_pool_domain
    original_update = Responses.update_user_pool_domain

    def remember_version(self):
        version = self._get_param("ManagedLoginVersion")
        domain = self.backend.user_pool_domains.get(self._get_param("Domain"))
        if domain is not None and version is not None:
            domain.managed_login_version = int(version)

    def create(self):
        result = original_create(self)
        remember_version(self)
        return result

    def update(self):
        # The real API updates the version alone; moto's update insists on a CustomDomainConfig.
        domain = self.backend.user_pool_domains.get(self._get_param("Domain"))
        if self._get_param("CustomDomainConfig") is None and domain is not None:
            remember_version(self)
            return cognito_responses.ActionResult({"CloudFrontDomain": domain._distribution_name()})
        result = original_update(self)
        remember_version(self)
        return result

    Domain.to_json = to_json
    Responses.create_user_pool_domain = create
    Responses.update_user_pool_domain = update
    applied.append("ManagedLoginVersion")


def patch_user_pool_tagging():
    """
    moto 5.2.1 has no TagResource, UntagResource or ListTagsForResource for Cognito, so changing a
    user pool's tags (as the first deploy after `m2m adopt` does) makes the AWS provider retry until
    its timeout. The real API keeps a pool's tags, the UserPoolTags DescribeUserPool returns: these
    add, remove and list them by the pool's ARN, or answer ResourceNotFoundException.
    """
    if hasattr(Responses, "tag_resource"):
        return

    def pool_by_arn(backend, arn):
        for pool in backend.user_pools.values():
            if pool.arn == arn:
                return pool
        raise ResourceNotFoundError(f"Resource {arn} does not exist.")

    def tag_resource(self):
        pool = pool_by_arn(self.backend, self._get_param("ResourceArn"))
        tags = dict(pool.extended_config.get("UserPoolTags") or {})
        tags.update(self._get_param("Tags") or {})
        pool.extended_config["UserPoolTags"] = tags
        return EmptyResult()

    def untag_resource(self):
        pool = pool_by_arn(self.backend, self._get_param("ResourceArn"))
        removed = set(self._get_param("TagKeys") or [])
        tags = pool.extended_config.get("UserPoolTags") or {}
        pool.extended_config["UserPoolTags"] = {k: v for k, v in tags.items() if k not in removed}
        return EmptyResult()

    def list_tags_for_resource(self):
        pool = pool_by_arn(self.backend, self._get_param("ResourceArn"))
        return cognito_responses.ActionResult({"Tags": dict(pool.extended_config.get("UserPoolTags") or {})})

    Responses.tag_resource = tag_resource
    Responses.untag_resource = untag_resource
    Responses.list_tags_for_resource = list_tags_for_resource
    applied.append("TagResource, UntagResource, ListTagsForResource")


def main(argv):
    parser = argparse.ArgumentParser(description="moto server with m2m-auth's patches")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    args = parser.parse_args(argv)

    patch_delete_resource_server()
    patch_managed_login_version()
    patch_user_pool_tagging()

    app = DomainDispatcherApplication(create_backend_app)
    server = make_server(args.host, args.port, app, threaded=True)
    # moto builds some URLs (S3, the Cognito JWKS) from MOTO_PORT.
    os.environ["MOTO_PORT"] = str(server.port)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
    patches = ", ".join(applied) or "none"
    print(f"moto {moto.__version__}, patched: {patches}", flush=True)
    print(f"listening on http://{args.host}:{server.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1:])
