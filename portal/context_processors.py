def portal(request):
    """Template context shared by every portal page."""
    return {
        "active_organization": getattr(request, "organization", None),
    }
