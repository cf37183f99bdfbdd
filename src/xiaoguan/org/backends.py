"""Authentication backend: Django's model backend, loading the employee with their
department in the same query (every page shows it)."""

from django.contrib.auth.backends import ModelBackend

from xiaoguan.org.models import User


class EmployeeBackend(ModelBackend):
    def get_user(self, user_id):
        user = User.objects.select_related("department").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
