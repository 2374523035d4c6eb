def portal(request):
    """Template context shared by every portal page (memberships come from the middleware)."""
    from portal.navigation import nav_for

    organization = getattr(request, "organization", None)
    memberships = getattr(request, "memberships", [])
    return {
        "active_organization": organization,
        "active_membership": getattr(request, "membership", None),
        "user_memberships": memberships,
        "portal_nav": nav_for(request),
    }
