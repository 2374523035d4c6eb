"""Reading a request body through an input serializer."""

from __future__ import annotations


def validated_input(serializer_class, request) -> dict:
    """The validated data of ``request.data``; a ValidationError (400 per field) otherwise."""
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
