"""API of the clients app."""


def register(router) -> None:
    pass
