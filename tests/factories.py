from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from letters.models import Letter
from signatories.models import Endorsement, Organization, User, domain_of


class LetterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Letter

    title = factory.Sequence(lambda n: f"Open letter number {n}")
    slug = factory.Sequence(lambda n: f"open-letter-{n}")
    summary = "We, the undersigned organisations, call for action."
    body = "Excellencies,\n\nWe call on you to **act now**.\n\n- First demand\n- Second demand"
    recipients = "UN Member States"
    status = Letter.Status.OPEN
    moderation = Letter.Moderation.REVIEW_FIRST


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"contact{n}@org{n}.example.org")
    password = factory.django.Password(None)

    @factory.post_generation
    def verified(obj: User, create: bool, extracted: bool | None, **kwargs: object) -> None:
        if create:
            EmailAddress.objects.create(
                user=obj, email=obj.email, primary=True, verified=extracted is not False
            )


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Friends of Peace {n}")
    country = "FR"
    city = "Lyon"
    website = factory.LazyAttribute(lambda o: f"https://{domain_of(o.user.email)}")
    kind = Organization.Kind.NGO
    contact_name = "Camille Martin"

    @classmethod
    def _create(cls, model_class: type[Organization], *args: object, **kwargs: object):
        organization = model_class(*args, **kwargs)
        organization.derive_fields()
        organization.save()
        return organization


class EndorsementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Endorsement

    organization = factory.SubFactory(OrganizationFactory)
    letter = factory.SubFactory(LetterFactory)
    status = Endorsement.Status.PENDING
    verified_at = factory.LazyFunction(timezone.now)

    class Params:
        approved = factory.Trait(
            status=Endorsement.Status.APPROVED, approved_at=factory.LazyFunction(timezone.now)
        )
