"""Registrations of the leads part of customers (rights, policy rules, navigation, scope, jobs,
approvals document types, handover handlers), called from ``AppConfig.ready()``."""


def register() -> None:
    pass
