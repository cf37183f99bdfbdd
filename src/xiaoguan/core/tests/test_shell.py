import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_login_page_is_chinese_by_default(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_home_shows_the_sidebar_and_user(company, login):
    client = login(company.rep_e1)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="sidebar"' in body
    assert "rep_e1" in body


@pytest.mark.django_db
def test_home_needs_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
