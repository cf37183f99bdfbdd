"""Registrations of the promotions part of pricing (rights, policy rules, navigation,
scope, approvals document types, extension-point handlers), called from ``AppConfig.ready()``."""


def register() -> None:
    pass
