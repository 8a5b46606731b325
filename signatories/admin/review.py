"""The review page of one endorsement: what a moderator needs to decide, its approve and
reject buttons, and the walk on to the next endorsement of the queue they came from."""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    QueryDict,
)
from django.urls import reverse
from django.utils.translation import gettext as _

from ..models import Endorsement, domains_agree
from .decisions import DecisionsMixin, RejectForm
from .display import duplicate_candidates, flag, website_link
from .pages import ChangePageContextMixin, object_pages

Status = Endorsement.Status


def _seen_status(request: HttpRequest) -> str | None:
    """The status the moderator saw on the endorsement's page, posted with the decision."""
    seen = request.POST.get("seen_status", "")
    return seen if seen in Status.values else None


class ReviewPageMixin(ChangePageContextMixin, DecisionsMixin):
    def _decision_target(self, request: HttpRequest, object_id: str) -> Endorsement:
        if not self.can_decide(request):
            raise PermissionDenied
        endorsement = self.get_object(request, unquote(object_id))
        if endorsement is None:
            raise Http404
        return endorsement

    def _change_url(self, endorsement: Endorsement) -> str:
        return reverse("admin:signatories_endorsement_change", args=[endorsement.pk])

    def _with_filters(self, request: HttpRequest, url: str) -> str:
        """`url` carrying the queue the moderator came from (Django's `_changelist_filters`)."""
        return add_preserved_filters(
            {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts}, url
        )

    def _queue(self, request: HttpRequest) -> QuerySet[Endorsement]:
        """The list the moderator opened this endorsement from, with its filters and search
        (the work queue, pending first, when they came from elsewhere)."""
        queue_request = copy.copy(request)
        queue_request.GET = QueryDict(request.GET.get("_changelist_filters", ""))
        # Read as the list would be shown, not as an action on ticked rows.
        queue_request.method = "GET"
        try:
            changelist = self.get_changelist_instance(queue_request)
            return changelist.get_queryset(queue_request)
        except (IncorrectLookupParameters, DisallowedModelAdminLookup, PermissionDenied):
            return self.get_queryset(request).filter(status=Status.PENDING)

    def _next_in_queue(
        self, request: HttpRequest, current: Endorsement
    ) -> tuple[Endorsement | None, int]:
        """The endorsement after `current` in its queue (signed order), or the queue's first
        when `current` was its last; and how many others the queue holds."""
        queue = self._queue(request).exclude(pk=current.pk).order_by("signed_at", "pk")
        after = queue.filter(
            Q(signed_at__gt=current.signed_at) | Q(signed_at=current.signed_at, pk__gt=current.pk)
        ).first()
        following = after or queue.first()
        return following, (queue.count() if following else 0)

    def _after_decision(
        self, request: HttpRequest, endorsement: Endorsement, *, decided: bool = True
    ) -> HttpResponse:
        """On to the next endorsement of the queue, so that a queue of 200 is cleared without
        going back to the list each time; back to the list when nothing is left. A decision
        that did not apply (a colleague decided first) stays on the endorsement, to show it."""
        if not decided:
            return HttpResponseRedirect(self._with_filters(request, self._change_url(endorsement)))
        following, _left = self._next_in_queue(request, endorsement)
        if following is not None:
            return HttpResponseRedirect(self._with_filters(request, self._change_url(following)))
        self.message_user(request, _("Nothing is left in this queue."), messages.INFO)
        filters = request.GET.get("_changelist_filters", "")
        changelist = reverse("admin:signatories_endorsement_changelist")
        return HttpResponseRedirect(f"{changelist}?{filters}" if filters else changelist)

    def approve_view(self, request: HttpRequest, object_id: str) -> HttpResponseBase:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        endorsement = self._decision_target(request, object_id)
        decided = self._decide(
            request,
            Endorsement.objects.filter(pk=endorsement.pk),
            Status.APPROVED,
            seen_status=_seen_status(request),
        )
        return self._after_decision(request, endorsement, decided=bool(decided))

    def reject_view(self, request: HttpRequest, object_id: str) -> HttpResponseBase:
        endorsement = self._decision_target(request, object_id)
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            decided = self._decide(
                request,
                Endorsement.objects.filter(pk=endorsement.pk),
                Status.REJECTED,
                reason=form.cleaned_data["reason"],
                seen_status=_seen_status(request),
            )
            return self._after_decision(request, endorsement, decided=bool(decided))
        return self._reject_page(
            request,
            Endorsement.objects.filter(pk=endorsement.pk).select_related("organization", "letter"),
            form,
            selected=[],
            select_across=False,
            cancel_url=self._with_filters(request, self._change_url(endorsement)),
            single=True,
            seen_status=_seen_status(request) or endorsement.status,
        )

    def get_urls(self) -> list:
        return [
            *object_pages(
                self,
                [
                    ("approve/", "approve", self.approve_view),
                    ("reject/", "reject", self.reject_view),
                ],
            ),
            *super().get_urls(),
        ]

    def change_page_context(self, request: HttpRequest, endorsement: Endorsement) -> dict[str, Any]:
        review = self._review_context(request, endorsement)
        if self.can_decide(request):
            review |= {
                "approve_url": self._with_filters(
                    request,
                    reverse("admin:signatories_endorsement_approve", args=[endorsement.pk]),
                )
                if endorsement.status in (Status.PENDING, Status.REJECTED)
                else "",
                "reject_url": self._with_filters(
                    request, reverse("admin:signatories_endorsement_reject", args=[endorsement.pk])
                )
                if endorsement.status in (Status.PENDING, Status.APPROVED)
                else "",
                "reject_form": RejectForm(),
            }
        return review

    def _review_context(self, request: HttpRequest, endorsement: Endorsement) -> dict[str, Any]:
        """What the moderator needs to decide, for the review page."""
        organization = endorsement.organization
        website_domain = organization.website_domain
        email_domain = organization.email_domain
        following, left = self._next_in_queue(request, endorsement)
        return {
            "title": _("Review an endorsement"),
            # The page's own heading names the organisation and the letter.
            "subtitle": None,
            "endorsement": endorsement,
            "organization": organization,
            "organization_url": reverse(
                "admin:signatories_organization_change", args=[organization.pk]
            ),
            "flag": flag(organization.country),
            "website": website_link(organization.website),
            "website_domain": website_domain,
            "email_domain": email_domain,
            "domains_agree": bool(website_domain) and domains_agree(email_domain, website_domain),
            "candidates": duplicate_candidates(endorsement),
            "events": list(endorsement.events.select_related("actor")),
            "next_url": self._with_filters(request, self._change_url(following))
            if following
            else "",
            "queue_left": left,
            "queue_url": self._with_filters(
                request, reverse("admin:signatories_endorsement_changelist")
            ),
        }
