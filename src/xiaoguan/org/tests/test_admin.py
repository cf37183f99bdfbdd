import pytest

from xiaoguan.org import services
from xiaoguan.org.errors import EmployeeInvalid
from xiaoguan.org.models import Department, User


@pytest.mark.django_db
def test_the_first_administrator_gets_management_at_a_new_root():
    user, generated = services.administrator_create(
        username="admin", password=None, full_name="管理员"
    )
    assert user.check_password(generated)
    assert user.role_codes == frozenset({"management"})
    assert user.department == Department.objects.get_root_nodes().get()


@pytest.mark.django_db
def test_refuses_a_weak_administrator_password():
    with pytest.raises(EmployeeInvalid):
        services.administrator_create(username="admin", password="admin")
    assert not User.objects.exists()
