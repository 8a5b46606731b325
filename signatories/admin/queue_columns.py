"""The endorsement queue's columns and the review page's read-only fields: how one
endorsement is summed up for a moderator (flag, type, hints to check, who decided)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries.fields import Country

from coalition.admin import ModelAdmin

from ..models import Endorsement, domains_agree
from .display import badge, flag, flag_image, website_link

Status = Endorsement.Status


class EndorsementColumnsMixin(ModelAdmin):
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
