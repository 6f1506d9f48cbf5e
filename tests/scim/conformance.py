"""Checks a running lmsbridge's SCIM 2.0 face with independent implementations of the standard.

1. scim2-tester runs every check it has (no tag filtered out) against the server, from the
   server's own discovery documents; any ERROR or CRITICAL result is a failure.
2. scim2-client, with the models the server's discovery describes, creates, reads, searches,
   patches, replaces and deletes users (with the enterprise extension) and groups, validating
   every request and response against the schemas.

Usage: conformance.py BASE_URL TOKEN. Prints one line per check; exits 1 on any failure.
"""

import sys
import uuid

from httpx2 import Client
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_models import Error, ListResponse, PatchOp, PatchOperation, SearchRequest
from scim2_tester import Status, check_server


def run_tester(base_url, token):
    """Every check of scim2-tester; returns how many ran, failed and were skipped."""
    client = SyncSCIMClient(Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}))
    results = check_server(client)
    failed = skipped = 0
    for result in results:
        failure = result.status in (Status.ERROR, Status.CRITICAL)
        failed += failure
        skipped += result.status == Status.SKIPPED
        where = f" [{result.resource_type}]" if result.resource_type else ""
        line = f"{result.status.name:<10} {result.title}{where}: {result.reason or ''}"
        if failure and result.data is not None:
            line += f"\n           data: {result.data!r}"
        print(line)
    return len(results), failed, skipped


def drive_with_client(base_url, token):
    """Every endpoint through scim2-client, which validates what it sends and receives."""
    client = SyncSCIMClient(Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}))
    client.discover()
    User = client.get_resource_model("User")
    Group = client.get_resource_model("Group")
    Enterprise = next(e for e in User.get_extension_models().values())
    name = f"client-{uuid.uuid4().hex[:8]}"

    user = User.model_validate({"userName": name, "displayName": "Client Made", "active": True,
                                "name": {"givenName": "Cli", "familyName": "Ent"}})
    user[Enterprise] = Enterprise(employee_number=f"C-{name}", department="Client Department")
    created = client.create(user)
    assert created.id and created.user_name == name, created
    assert created[Enterprise].department == "Client Department", created
    assert created.meta.version and created.meta.location.endswith(f"/Users/{created.id}"), created.meta

    read = client.query(User, created.id)
    assert read.display_name == "Client Made", read

    found = client.query(User, query_parameters=SearchRequest(filter=f'userName eq "{name}"', sort_by="userName", count=5))
    assert isinstance(found, ListResponse) and found.total_results == 1 and found.resources[0].id == created.id, found
    searched = client.search(User, search_request=SearchRequest(
        filter=f'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "C-{name}"', attributes=["userName"]))
    assert [r.id for r in searched.resources] == [created.id], searched

    patch = PatchOp[User](operations=[
        PatchOperation(op=PatchOperation.Op.replace_, path="active", value=False),
        PatchOperation(op=PatchOperation.Op.replace_, path="name.givenName", value="Client"),
        PatchOperation(op=PatchOperation.Op.add, path="displayName", value="Patched"),
    ])
    patched = client.modify(User, created.id, patch)
    assert patched.active is False and patched.display_name == "Patched" and patched.name.given_name == "Client", patched

    group = client.create(Group.model_validate({"displayName": f"group-{name}", "members": [{"value": created.id}]}))
    assert group.members and group.members[0].value == created.id, group
    member_of = client.query(Group, query_parameters=SearchRequest(filter=f'members[value eq "{created.id}"]'))
    assert [g.id for g in member_of.resources] == [group.id], member_of
    with_group = client.query(User, created.id)
    assert with_group.groups and with_group.groups[0].value == group.id, with_group

    # The user's version changed when it joined the group: replace what was read last, as
    # scim2-client sends its version in If-Match (an older one is refused with 412).
    stale = patched.model_copy()
    stale.display_name = "Stale"
    refused = client.replace(stale, raise_scim_errors=False)
    assert isinstance(refused, Error) and refused.status == 412, refused
    replaced = with_group.model_copy()
    replaced.display_name = "Replaced"
    replaced = client.replace(replaced)
    assert replaced.display_name == "Replaced", replaced

    client.delete(Group, group.id)
    client.delete(User, created.id)
    gone = client.query(User, created.id, raise_scim_errors=False)
    assert isinstance(gone, Error) and gone.status == 404, gone
    print("scim2-client: users and groups created, read, searched, patched, replaced and deleted")


def main():
    base_url, token = sys.argv[1], sys.argv[2]
    ran, failed, skipped = run_tester(base_url, token)
    # The closing line the Rust test reads.
    print(f"scim2-tester: {ran} checks, {failed} failed, {skipped} skipped")
    drive_with_client(base_url, token)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
