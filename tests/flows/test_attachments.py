"""Attachments: upload, list, download, remove, through the owner record's scope. A flow
test: the generic core service with customers as the owning records (core may not import
the customers app)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xiaoguan.core import attachments, policy
from xiaoguan.core.errors import NotFound, ValidationFailed
from xiaoguan.core.models import Attachment
from xiaoguan.customers.tests.factories import make_customer


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _upload(client, customer, name="合同扫描件.pdf", content=b"%PDF-1.4 test", **extra):
    return client.post(
        reverse("attachment_upload"),
        {
            "owner": "customers.customer",
            "object_id": customer.pk,
            "file": SimpleUploadedFile(name, content),
            "next": reverse("customers:detail", args=[customer.pk]),
            **extra,
        },
    )


def test_upload_list_download_and_remove(company, login):
    customer = make_customer(company.rep_e1, "甲消防有限公司")
    client = login(company.rep_e1)
    # when: uploaded
    response = _upload(client, customer)
    # then
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.name == "合同扫描件.pdf" and attachment.size == 13
    assert "合同扫描件" not in attachment.file.name  # stored under a random name
    body = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert 'data-testid="attachment-row"' in body and "合同扫描件.pdf" in body
    # download: as an attachment with the original name, never sniffed
    response = client.get(reverse("attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    # the manager of the region sees and downloads it too
    mgr = login(company.mgr_east)
    assert mgr.get(reverse("attachment_download", args=[attachment.pk])).status_code == 200
    # removed: kept in the database, no longer listed or served
    client = login(company.rep_e1)
    response = client.post(reverse("attachment_remove", args=[attachment.pk]))
    attachment.refresh_from_db()
    assert response.status_code == 302 and attachment.removed_at is not None
    assert client.get(reverse("attachment_download", args=[attachment.pk])).status_code == 404
    body = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert 'data-testid="attachment-row"' not in body


def test_out_of_scope_is_404(company, login):
    customer = make_customer(company.rep_e1, "甲消防有限公司")
    _upload(login(company.rep_e1), customer)
    attachment = Attachment.objects.get()
    for user in (company.rep_w1, company.mgr_west, company.rep_e2):
        client = login(user)
        assert client.get(reverse("attachment_download", args=[attachment.pk])).status_code == 404
        assert client.post(reverse("attachment_remove", args=[attachment.pk])).status_code == 404
        assert _upload(client, customer).status_code == 404
    assert Attachment.objects.filter(removed_at__isnull=True).count() == 1
    with pytest.raises(NotFound):
        attachments.attachment_get(user=company.rep_w1, attachment_id=attachment.pk)
    # an unknown owner type or record is 404 too
    client = login(company.rep_e1)
    assert _upload(client, customer, owner="org.user").status_code == 404
    assert client.get(reverse("attachment_download", args=[attachment.pk + 99])).status_code == 404


def test_readers_without_the_edit_right_cannot_upload_or_remove(company, login):
    customer = make_customer(company.rep_e1, "甲消防有限公司")
    _upload(login(company.rep_e1), customer)
    attachment = Attachment.objects.get()
    finance = login(company.finance1)  # sees every customer, may not change them
    assert finance.get(reverse("attachment_download", args=[attachment.pk])).status_code == 200
    assert _upload(finance, customer).status_code == 403
    assert finance.post(reverse("attachment_remove", args=[attachment.pk])).status_code == 403
    assert Attachment.objects.filter(removed_at__isnull=True).count() == 1


def test_oversized_empty_and_forbidden_types_are_refused(company, login):
    customer = make_customer(company.rep_e1, "甲消防有限公司")
    client = login(company.rep_e1)
    big = b"x" * (attachments.max_size() + 1)
    for name, content in (
        ("huge.pdf", big),
        ("empty.pdf", b""),
        ("run.exe", b"MZ"),
        ("page.html", b"<script>"),
        ("noext", b"abc"),
    ):
        response = _upload(client, customer, name=name, content=content)
        assert response.status_code == 302  # back to the page with a message
    assert not Attachment.objects.exists()
    with pytest.raises(ValidationFailed):
        attachments.attachment_add(
            actor=company.rep_e1,
            owner="customers.customer",
            object_id=customer.pk,
            upload=SimpleUploadedFile("x.svg", b"<svg/>"),
        )
    # a path in the file name is dropped
    _upload(client, customer, name="../../etc/passwd.txt", content=b"hi")
    assert Attachment.objects.get().name == "passwd.txt"


def test_size_cap_follows_the_policy(company, login):
    customer = make_customer(company.rep_e1, "甲消防有限公司")
    policy.policy_set(key=attachments.MAX_SIZE_KEY, raw="1", actor=company.gm, reason="test")
    client = login(company.rep_e1)
    _upload(client, customer, name="a.pdf", content=b"x" * (1024 * 1024 + 1))
    assert not Attachment.objects.exists()
    _upload(client, customer, name="a.pdf", content=b"x" * 1024)
    assert Attachment.objects.count() == 1
