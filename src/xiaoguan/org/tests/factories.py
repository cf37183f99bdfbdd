from __future__ import annotations

import factory

from xiaoguan.org.enums import DataScope, DepartmentKind
from xiaoguan.org.models import Department, Role, User


def department_create(
    *, name: str, code: str, kind: str = DepartmentKind.TEAM, parent: Department | None = None
):
    if parent is None:
        return Department.objects.add_root(instance=Department(name=name, code=code, kind=kind))
    parent.refresh_from_db()
    return Department.objects.add_child(
        parent, instance=Department(name=name, code=code, kind=kind)
    )


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"role{n}")
    name = factory.LazyAttribute(lambda o: o.code)
    scope = DataScope.OWN
    rights = factory.LazyFunction(list)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.LazyAttribute(lambda o: o.username)
    is_active = True

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or "correct horse battery staple")
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.roles.add(
                *[Role.objects.get(code=r) if isinstance(r, str) else r for r in extracted]
            )
