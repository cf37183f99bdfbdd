"""Registrations of the inquiries part of sales (rights, policy rules, navigation, scope, approvals
document types, task kinds), called from ``AppConfig.ready()``."""


def register() -> None:
    pass
