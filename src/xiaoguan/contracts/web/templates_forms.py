"""Forms of the contract template pages (legal): the template's fields and its clauses read
from the clause editor's repeated inputs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from xiaoguan.contracts.services.templates import ClauseData, TemplateData
from xiaoguan.core.web.forms import BootstrapForm

MAX_CLAUSES = 100


class TemplateForm(BootstrapForm):
    code = forms.CharField(label=_("code"), max_length=30)
    name = forms.CharField(label=_("name"), max_length=100)
    description = forms.CharField(
        label=_("use it for"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, template=None, **kwargs: Any) -> None:
        if template is not None and not args:
            kwargs.setdefault(
                "initial",
                {
                    "code": template.code,
                    "name": template.name,
                    "description": template.description,
                    "is_active": template.is_active,
                    "version": template.version,
                },
            )
        super().__init__(*args, **kwargs)

    def to_data(self) -> TemplateData:
        d = self.cleaned_data
        return TemplateData(
            code=d["code"],
            name=d["name"],
            description=d.get("description") or "",
            is_active=bool(d.get("is_active")),
        )


def clauses_from_post(post: QueryDict) -> list[ClauseData]:
    titles = post.getlist("clause_title")[: MAX_CLAUSES + 1]
    bodies = post.getlist("clause_body")[: MAX_CLAUSES + 1]
    bodies += [""] * (len(titles) - len(bodies))
    return [
        ClauseData(title=t, body=b)
        for t, b in zip(titles, bodies, strict=False)
        if t.strip() or b.strip()
    ]
