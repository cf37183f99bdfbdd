"""Registrations of the products part of catalog (rights, policy rules, navigation,
scope, approvals document types, extension-point handlers), called from ``AppConfig.ready()``."""


def register() -> None:
    pass
