"""Moderators' decisions from the endorsements admin: approve, reject with a reason, release
a held confirmation mail; one row from its page or many by a bulk action, each through
`signatories.services.moderation`, and told apart when a colleague decided first."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.http import (
    HttpRequest,
    HttpResponse,
)
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, ngettext_lazy

from coalition.admin import ModelAdmin

from ..models import Endorsement, User
from ..services import moderation, verification

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

Status = Endorsement.Status


# How many endorsements the reject page names before it says "and N more".
REJECT_PAGE_PREVIEW = 25


def _moderator(request: HttpRequest) -> User:
    """The staff member deciding: the admin lets no one else this far."""
    assert isinstance(request.user, User)
    return request.user


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 70}),
        help_text=gettext_lazy(
            "Sent to the organisation in the rejection mail, and kept in the audit trail."
        ),
    )


# What a decision tells the moderator, by the status it moves to.
DONE: dict[str, _StrPromise] = {
    Status.APPROVED: ngettext_lazy(
        "%(count)d endorsement approved.", "%(count)d endorsements approved.", "count"
    ),
    Status.REJECTED: ngettext_lazy(
        "%(count)d endorsement rejected.", "%(count)d endorsements rejected.", "count"
    ),
}
REFUSED: dict[str, _StrPromise] = {
    Status.APPROVED: ngettext_lazy(
        "%(count)d endorsement cannot be approved in its present status (%(statuses)s).",
        "%(count)d endorsements cannot be approved in their present status (%(statuses)s).",
        "count",
    ),
    Status.REJECTED: ngettext_lazy(
        "%(count)d endorsement cannot be rejected in its present status (%(statuses)s).",
        "%(count)d endorsements cannot be rejected in their present status (%(statuses)s).",
        "count",
    ),
}


class DecisionsMixin(ModelAdmin):
    def can_decide(self, request: HttpRequest) -> bool:
        return super().has_change_permission(request)

    # Decisions -------------------------------------------------------------------------

    def _decide(
        self,
        request: HttpRequest,
        queryset: QuerySet[Endorsement],
        to_status: str,
        *,
        reason: str = "",
        seen_status: str | None = None,
    ) -> int:
        """Returns how many were decided; the moderator is told why the others were not."""
        changed = 0
        left: list[int] = []
        for endorsement in queryset.order_by("signed_at", "pk"):
            if moderation.endorsement_decide(
                endorsement=endorsement,
                moderator=_moderator(request),
                to_status=to_status,
                reason=reason,
                expected_status=seen_status,
                only_undecided=seen_status is None,
            ):
                changed += 1
            else:
                left.append(endorsement.pk)
        self.message_user(
            request,
            DONE[to_status] % {"count": changed},
            messages.SUCCESS if changed else messages.INFO,
        )
        self._report_left(request, left, to_status, seen_status)
        return changed

    def _report_left(
        self, request: HttpRequest, left: list[int], to_status: str, seen_status: str | None
    ) -> None:
        """Why the endorsements `left` as they were were not decided: by someone else first,
        or a status this decision cannot start from. With `seen_status` (one endorsement,
        decided from its page), a row whose status is no longer the one the page showed was
        decided by a colleague meanwhile, whatever they decided."""
        statuses = Counter(Endorsement.objects.filter(pk__in=left).values_list("status", flat=True))
        if seen_status is not None:
            already = sum(n for status, n in statuses.items() if status != seen_status)
            statuses = Counter(
                {seen_status: statuses[seen_status]} if statuses[seen_status] else {}
            )
        else:
            already = statuses.pop(to_status, 0)
        if already:
            self.message_user(
                request,
                ngettext(
                    "%(count)d endorsement was already decided by someone else and was left "
                    "as it was.",
                    "%(count)d endorsements were already decided by someone else and were left "
                    "as they were.",
                    already,
                )
                % {"count": already},
                messages.WARNING,
            )
        if statuses:
            labels = ", ".join(f"{Status(status).label}: {n}" for status, n in statuses.items())
            refused = REFUSED[to_status] % {"count": sum(statuses.values()), "statuses": labels}
            self.message_user(request, refused, messages.WARNING)
            if seen_status is None and statuses.keys() & {Status.APPROVED, Status.REJECTED}:
                self.message_user(
                    request,
                    _(
                        "A bulk action never reverses a decision a person made: to change one, "
                        "open the endorsement and decide on its page."
                    ),
                    messages.INFO,
                )

    @admin.action(description=gettext_lazy("Approve selected endorsements"), permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Endorsement]) -> None:
        self._decide(request, queryset, Status.APPROVED)

    @admin.action(
        description=gettext_lazy("Release and send the held confirmation mail"),
        permissions=["change"],
    )
    def release_and_send(self, request: HttpRequest, queryset: QuerySet[Endorsement]) -> None:
        released = verification.endorsements_release(
            endorsement_ids=list(queryset.values_list("pk", flat=True)),
            moderator=_moderator(request),
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d confirmation mail released and sent. The endorsement stays held "
                "for review once it is confirmed.",
                "%(count)d confirmation mails released and sent. The endorsements stay held "
                "for review once they are confirmed.",
                released,
            )
            % {"count": released},
            messages.SUCCESS if released else messages.INFO,
        )
        if not released:
            self.message_user(
                request,
                _("Only endorsements whose address is not confirmed yet get a confirmation mail."),
                messages.INFO,
            )

    @admin.action(description=gettext_lazy("Reject selected endorsements…"), permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet[Endorsement]) -> HttpResponse | None:
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self._decide(request, queryset, Status.REJECTED, reason=form.cleaned_data["reason"])
            return None
        return self._reject_page(
            request,
            queryset,
            form,
            selected=request.POST.getlist(ACTION_CHECKBOX_NAME),
            select_across=request.POST.get("select_across") == "1",
            cancel_url=request.get_full_path(),
        )

    def _reject_page(
        self,
        request: HttpRequest,
        queryset: QuerySet[Endorsement],
        form: RejectForm,
        *,
        selected: list[str],
        select_across: bool,
        cancel_url: str,
        single: bool = False,
        seen_status: str = "",
    ) -> TemplateResponse:
        count = queryset.count()
        preview = list(queryset.order_by("signed_at", "pk")[:REJECT_PAGE_PREVIEW])
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reject endorsements"),
            "opts": self.opts,
            "form": form,
            "endorsements": preview,
            "count": count,
            "more": count - len(preview),
            "selected": selected,
            "select_across": select_across,
            "single": single,
            "seen_status": seen_status,
            "cancel_url": cancel_url,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/signatories/endorsement/reject.html", context)
