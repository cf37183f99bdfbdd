"""Registrations of the collection part (rights, policy rules, navigation, approvals
document types, extension-point handlers), called from ``AppConfig.ready()``."""


def register() -> None:
    pass
