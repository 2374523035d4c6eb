from accounts.models import Membership


def test_world_members_hold_their_role_groups(world):
    # given the shared world, when we read memberships, then each user sits in its role group
    m = Membership.objects.get(user=world.a_officer)
    assert m.role == "officer"
    assert world.a_officer.groups.filter(name=f"org:{world.buyer_a.pk}:officer").exists()
    assert world.a_officer.has_perm("accounts.issue_audits", world.buyer_a)
    assert not world.a_officer.has_perm("accounts.issue_audits", world.buyer_b)
    assert not world.a_reviewer.has_perm("accounts.issue_audits", world.buyer_a)
