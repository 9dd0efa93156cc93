"""API of the app (viewsets registered on /api/v1/)."""


def register(router) -> None:
    """Add this app's viewsets to the /api/v1/ router."""
