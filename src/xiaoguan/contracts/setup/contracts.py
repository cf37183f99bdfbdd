"""Registrations of the contracts part of contracts (rights, policy rules, navigation,
scope, approvals document types, extension-point handlers), called from ``AppConfig.ready()``."""


def register() -> None:
    pass
