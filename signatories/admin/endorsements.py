"""The moderators' work queue: endorsements with their decisions (approve, reject with a
reason), audit trail, export of the signatory list and import of signatures collected offline.
Every decision goes through `signatories.services.moderation`."""

from __future__ import annotations

import copy
import logging
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.db.models import Q, QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    QueryDict,
    StreamingHttpResponse,
)
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.http import content_disposition_header
from django.utils.safestring import SafeString
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_countries.fields import Country
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, JSON, XLSX, Format
from import_export.forms import ExportForm
from import_export.signals import post_export

from coalition.admin import ModelAdmin

from ..exports import staff
from ..models import Endorsement, User, domains_agree
from ..services import moderation, signing
from .display import badge, duplicate_candidates, flag, flag_image, website_link
from .filters import (
    ContinentFilter,
    CountryFilter,
    HeldFilter,
    LanguageFilter,
    SourceFilter,
    UpdatesConsentFilter,
    WorkQueueStatusFilter,
)
from .imports import OfflineImportMixin

logger = logging.getLogger(__name__)
Status = Endorsement.Status


# How many endorsements the reject page names before it says "and N more".
REJECT_PAGE_PREVIEW = 25


def _download(stream: Iterator[Any], file_format: Format, filename: str) -> StreamingHttpResponse:
    content_type = file_format.get_content_type()
    if not file_format.is_binary():
        content_type += "; charset=utf-8"
    response = StreamingHttpResponse(stream, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _moderator(request: HttpRequest) -> User:
    """The staff member deciding: the admin lets no one else this far."""
    assert isinstance(request.user, User)
    return request.user


# The filters an export's file is named after, so that the files of two countries (or of a
# continent and of everything) downloaded the same day do not share one name.
EXPORT_NAMED_FILTERS = ("country", "continent", "status__exact", "source", "updates", "language")


def _export_name(request: HttpRequest, stem: str, extension: str) -> str:
    """signatories-br-2026-12-02.csv for the list filtered to Brazil."""
    filters = [slugify(request.GET.get(name, "")) for name in EXPORT_NAMED_FILTERS]
    return "-".join([stem, *filter(None, filters), f"{timezone.localdate():%Y-%m-%d}"]) + (
        f".{extension}"
    )


def _seen_status(request: HttpRequest) -> str | None:
    """The status the moderator saw on the endorsement's page, posted with the decision."""
    seen = request.POST.get("seen_status", "")
    return seen if seen in Status.values else None


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


@admin.register(Endorsement)
class EndorsementAdmin(OfflineImportMixin, ImportExportMixin, ModelAdmin):
    # Few, dense columns, so that the queue fits a 1280 px laptop: the organisation with its
    # flag and type on one line, short hints, the letter, status, dates. Everything else is
    # on the review page (the change page), one click away.
    list_display = (
        "organization_summary",
        "hints",
        "letter_title",
        "status",
        "signed",
        "decision",
    )
    list_filter = (
        WorkQueueStatusFilter,
        "letter",
        CountryFilter,
        ContinentFilter,
        "organization__kind",
        "organization__possible_duplicate",
        HeldFilter,
        ("signed_at", admin.DateFieldListFilter),
        SourceFilter,
        UpdatesConsentFilter,
        LanguageFilter,
    )
    search_fields = ("organization__name", "organization__user__email", "organization__website")
    search_help_text = gettext_lazy("Organisation name, email address or website.")
    list_select_related = ("organization__user", "letter", "decided_by")
    list_per_page = 100
    ordering = ("signed_at", "pk")
    actions = ("approve", "reject", "release_and_send", "export_workbook_by_country")
    # The review page lays these out itself (templates/admin/signatories/endorsement/
    # change_form.html); the fieldsets stay for the view permission's plain rendering.
    fieldsets = (
        (
            gettext_lazy("Organisation"),
            {
                "fields": (
                    "organization_link",
                    "contact_email",
                    "country",
                    "kind",
                    "website",
                    "duplicate_detail",
                )
            },
        ),
        (
            gettext_lazy("Endorsement"),
            {
                "fields": (
                    "letter",
                    "status",
                    "held_for",
                    "comment",
                    "listed_publicly",
                    "wants_updates",
                    "imported",
                    "language",
                )
            },
        ),
        (
            gettext_lazy("Dates and decision"),
            {
                "fields": (
                    "signed_at",
                    "verified_at",
                    "approved_at",
                    "rejected_at",
                    "withdrawn_at",
                    "decided_by",
                    "rejection_reason",
                )
            },
        ),
    )
    readonly_fields = (
        "organization_link",
        "contact_email",
        "country",
        "kind",
        "website",
        "duplicate_detail",
    )
    change_form_template = "admin/signatories/endorsement/change_form.html"
    # A plain format choice: the selectable-fields form relies on inline scripts our CSP blocks.
    export_form_class = ExportForm
    export_formats = [CSV, XLSX, JSON]

    # Columns ---------------------------------------------------------------------------

    @admin.display(
        description=gettext_lazy("organisation"), ordering="organization__normalized_name"
    )
    def organization_summary(self, obj: Endorsement) -> SafeString:
        organization = obj.organization
        return format_html(
            '{} <span dir="auto">{}</span> <span class="queue-meta">{} · {}</span>',
            flag_image(organization.country),
            organization.name,
            organization.get_kind_display(),
            Country(code=str(organization.country)).name,
        )

    @admin.display(description=gettext_lazy("to check"))
    def hints(self, obj: Endorsement) -> SafeString:
        organization = obj.organization
        tags = []
        if organization.possible_duplicate:
            tags.append(
                badge(
                    _("duplicate?"),
                    kind="duplicate",
                    title=" ".join(organization.duplicate_hints()),
                )
            )
        website_domain, email_domain = organization.website_domain, organization.email_domain
        if website_domain and not domains_agree(email_domain, website_domain):
            tags.append(
                badge(
                    _("email ≠ website"),
                    kind="duplicate",
                    title=_("Email domain %(email)s, website %(site)s.")
                    % {"email": email_domain, "site": website_domain},
                )
            )
        if obj.held_reasons:
            tags.append(badge(_("held"), kind="held", title=" ".join(obj.held_for())))
        if obj.imported:
            tags.append(badge(_("imported"), kind="imported"))
        return format_html_join(" ", "{}", ((tag,) for tag in tags))

    @admin.display(description=gettext_lazy("letter"), ordering="letter__title")
    def letter_title(self, obj: Endorsement) -> SafeString:
        return format_html(
            '<span class="queue-letter" title="{}">{}</span>', obj.letter.title, obj.letter.title
        )

    @admin.display(description=gettext_lazy("signed"), ordering="signed_at")
    def signed(self, obj: Endorsement) -> SafeString:
        return format_html(
            '<time datetime="{}" title="{}">{}</time>',
            obj.signed_at.isoformat(),
            date_format(timezone.localtime(obj.signed_at), "DATETIME_FORMAT"),
            date_format(timezone.localtime(obj.signed_at), "SHORT_DATE_FORMAT"),
        )

    @admin.display(description=gettext_lazy("held for review because"))
    def held_for(self, obj: Endorsement) -> str:
        return " ".join(obj.held_for()) or "-"

    @admin.display(description=gettext_lazy("decided"))
    def decision(self, obj: Endorsement) -> SafeString | str:
        at = self.decided_at(obj)
        if at is None:
            return ""
        who = obj.decided_by.email if obj.decided_by else _("automatically")
        return format_html(
            '{}<br><span class="queue-meta">{}</span>', date_format(at, "SHORT_DATE_FORMAT"), who
        )

    @admin.display(description=gettext_lazy("organisation"))
    def organization_link(self, obj: Endorsement) -> SafeString:
        url = reverse("admin:signatories_organization_change", args=[obj.organization_id])
        return format_html('<a href="{}">{}</a>', url, obj.organization.name)

    @admin.display(description=gettext_lazy("country"), ordering="organization__country")
    def country(self, obj: Endorsement) -> SafeString | str:
        return flag(obj.organization.country)

    @admin.display(description=gettext_lazy("type"), ordering="organization__kind")
    def kind(self, obj: Endorsement) -> str:
        return obj.organization.get_kind_display()

    @admin.display(description=gettext_lazy("website"))
    def website(self, obj: Endorsement) -> SafeString | str:
        return website_link(obj.organization.website)

    @admin.display(description=gettext_lazy("contact email"))
    def contact_email(self, obj: Endorsement) -> str:
        return obj.organization.email

    @admin.display(description=gettext_lazy("possible duplicate"))
    def duplicate_detail(self, obj: Endorsement) -> str:
        if not obj.organization.possible_duplicate:
            return _("No")
        return " ".join(obj.organization.duplicate_hints())

    @admin.display(description=gettext_lazy("decided"))
    def decided_at(self, obj: Endorsement) -> Any:
        if obj.status == Status.REJECTED:
            return obj.rejected_at
        if obj.status == Status.APPROVED:
            return obj.approved_at
        return None

    # Permissions -----------------------------------------------------------------------

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Endorsements come from signing and from the import, never from a blank form.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The record stays for the audit; an organisation withdraws instead.
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The form itself changes nothing, so that a page opened before someone else's
        # decision can never overwrite it: decisions go through the buttons and actions.
        if obj is not None:
            return False
        return super().has_change_permission(request)

    def can_decide(self, request: HttpRequest) -> bool:
        return super().has_change_permission(request)

    # Decisions -------------------------------------------------------------------------

    def _decide(
        self,
        request: HttpRequest,
        queryset: QuerySet[Endorsement],
        decide: Callable[[Endorsement], bool],
        *,
        done: Callable[[int], str],
        refused: Callable[[int, str], str],
        target: str,
        seen_status: str | None = None,
    ) -> int:
        """Returns how many were decided. With `seen_status` (one endorsement, decided from
        its page), a row whose status is no longer the one the page showed was decided by a
        colleague meanwhile, whatever they decided."""
        changed = 0
        left: list[int] = []
        for endorsement in queryset.order_by("signed_at", "pk"):
            if decide(endorsement):
                changed += 1
            else:
                left.append(endorsement.pk)
        self.message_user(request, done(changed), messages.SUCCESS if changed else messages.INFO)
        statuses = Counter(Endorsement.objects.filter(pk__in=left).values_list("status", flat=True))
        if seen_status is not None:
            already = sum(n for status, n in statuses.items() if status != seen_status)
            statuses = Counter(
                {seen_status: statuses[seen_status]} if statuses[seen_status] else {}
            )
        else:
            already = statuses.pop(target, 0)
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
            self.message_user(request, refused(sum(statuses.values()), labels), messages.WARNING)
            if seen_status is None and statuses.keys() & {Status.APPROVED, Status.REJECTED}:
                self.message_user(
                    request,
                    _(
                        "A bulk action never reverses a decision a person made: to change one, "
                        "open the endorsement and decide on its page."
                    ),
                    messages.INFO,
                )
        return changed

    def _approve(
        self,
        request: HttpRequest,
        queryset: QuerySet[Endorsement],
        seen_status: str | None = None,
    ) -> int:
        return self._decide(
            request,
            queryset,
            lambda endorsement: moderation.endorsement_approve(
                endorsement=endorsement,
                moderator=_moderator(request),
                expected_status=seen_status,
                only_undecided=seen_status is None,
            ),
            done=lambda n: (
                ngettext("%(count)d endorsement approved.", "%(count)d endorsements approved.", n)
                % {"count": n}
            ),
            refused=lambda n, labels: (
                ngettext(
                    "%(count)d endorsement cannot be approved in its present status "
                    "(%(statuses)s).",
                    "%(count)d endorsements cannot be approved in their present status "
                    "(%(statuses)s).",
                    n,
                )
                % {"count": n, "statuses": labels}
            ),
            target=Status.APPROVED,
            seen_status=seen_status,
        )

    def _reject(
        self,
        request: HttpRequest,
        queryset: QuerySet[Endorsement],
        reason: str,
        seen_status: str | None = None,
    ) -> int:
        return self._decide(
            request,
            queryset,
            lambda endorsement: moderation.endorsement_reject(
                endorsement=endorsement,
                moderator=_moderator(request),
                reason=reason,
                expected_status=seen_status,
                only_undecided=seen_status is None,
            ),
            done=lambda n: (
                ngettext("%(count)d endorsement rejected.", "%(count)d endorsements rejected.", n)
                % {"count": n}
            ),
            refused=lambda n, labels: (
                ngettext(
                    "%(count)d endorsement cannot be rejected in its present status "
                    "(%(statuses)s).",
                    "%(count)d endorsements cannot be rejected in their present status "
                    "(%(statuses)s).",
                    n,
                )
                % {"count": n, "statuses": labels}
            ),
            target=Status.REJECTED,
            seen_status=seen_status,
        )

    @admin.action(description=gettext_lazy("Approve selected endorsements"), permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Endorsement]) -> None:
        self._approve(request, queryset)

    @admin.action(
        description=gettext_lazy("Release and send the held confirmation mail"),
        permissions=["change"],
    )
    def release_and_send(self, request: HttpRequest, queryset: QuerySet[Endorsement]) -> None:
        released = signing.endorsements_release(
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
            self._reject(request, queryset, form.cleaned_data["reason"])
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
        decided = self._approve(
            request, Endorsement.objects.filter(pk=endorsement.pk), _seen_status(request)
        )
        return self._after_decision(request, endorsement, decided=bool(decided))

    def reject_view(self, request: HttpRequest, object_id: str) -> HttpResponseBase:
        endorsement = self._decision_target(request, object_id)
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            decided = self._reject(
                request,
                Endorsement.objects.filter(pk=endorsement.pk),
                form.cleaned_data["reason"],
                _seen_status(request),
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
        info = (self.opts.app_label, self.opts.model_name)
        return [
            path(
                "<path:object_id>/approve/",
                self.admin_site.admin_view(self.approve_view),
                name="{}_{}_approve".format(*info),
            ),
            path(
                "<path:object_id>/reject/",
                self.admin_site.admin_view(self.reject_view),
                name="{}_{}_reject".format(*info),
            ),
            *super().get_urls(),
        ]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        endorsement = self.get_object(request, unquote(object_id))
        review: dict[str, Any] = {}
        if endorsement is not None:
            review = self._review_context(request, endorsement)
        if endorsement is not None and self.can_decide(request):
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
        return super().change_view(
            request, object_id, form_url, extra_context={**(extra_context or {}), **review}
        )

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

    # Export ----------------------------------------------------------------------------

    def get_export_resource_classes(self, request: HttpRequest) -> list[type]:
        return [staff.SignatoryResource]

    def get_export_filename(self, request: HttpRequest, queryset: QuerySet, file_format: Format):
        return _export_name(request, "signatories", file_format.get_extension())

    def _do_file_export(
        self,
        file_format: Format,
        request: HttpRequest,
        queryset: QuerySet[Endorsement],
        export_form: forms.Form | None = None,
    ) -> HttpResponseBase:
        # Replaces import-export's, which builds the whole file in memory before answering:
        # this one writes row by row (see signatories.exports).
        if not self.has_export_permission(request):
            raise PermissionDenied
        resource = self.choose_export_resource_class(export_form, request)()
        try:
            stream: Iterator[bytes] | Iterator[str]
            if isinstance(file_format, XLSX):
                stream = staff.staff_xlsx(resource, queryset)
            elif isinstance(file_format, JSON):
                stream = staff.staff_json(resource, queryset)
            else:
                stream = staff.staff_csv(resource, queryset)
        except DatabaseError:
            return self._export_failed(request)
        response = _download(
            stream, file_format, self.get_export_filename(request, queryset, file_format)
        )
        post_export.send(sender=None, model=self.model)
        return response

    def _export_failed(self, request: HttpRequest) -> HttpResponseRedirect:
        """The query failed before the first byte: say so, rather than hand out a cut file."""
        logger.exception("Export failed before it started")
        self.message_user(
            request,
            _("The export failed and nothing was downloaded. Try again in a moment."),
            messages.ERROR,
        )
        return HttpResponseRedirect(
            reverse("admin:signatories_endorsement_changelist")
            + (f"?{request.GET.urlencode()}" if request.GET else "")
        )

    @admin.action(
        description=gettext_lazy("Export selected as a workbook, one sheet per country"),
        permissions=["export"],
    )
    def export_workbook_by_country(
        self, request: HttpRequest, queryset: QuerySet[Endorsement]
    ) -> HttpResponseBase:
        try:
            stream = staff.staff_workbook_by_country(staff.SignatoryResource(), queryset)
        except DatabaseError:
            return self._export_failed(request)
        response = _download(
            stream, XLSX(), _export_name(request, "signatories-by-country", "xlsx")
        )
        post_export.send(sender=None, model=self.model)
        return response
