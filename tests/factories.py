"""factory_boy factories. Tenant rows are created inside `scopes_disabled()` by the fixtures."""

from decimal import Decimal

import factory
from django.utils import timezone

from clients.models import Asset, BusinessObjective, Client, ClientAccess, Contact
from msp.models import Membership, Msp, User, hash_secret
from msp.roles import Role
from standards.models import Category, Framework, Standard, StandardRevision

PASSWORD = "Demo!2026pass"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MspFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Msp

    name = factory.Sequence(lambda n: f"MSP {n}")
    slug = factory.Sequence(lambda n: f"msp-{n}")
    mfa_required = False  # the sign-in tests turn it on where they mean to


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    msp = factory.SubFactory(MspFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.VCIO


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    msp = factory.SubFactory(MspFactory)
    name = factory.Sequence(lambda n: f"Client {n} Ltd")
    industry = "Accounting"
    status = "active"
    mrr = Decimal("3000.00")
    aisp = Decimal("125.00")
    user_count = 24
    complexity = 5


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    client = factory.SubFactory(ClientFactory)
    msp = factory.SelfAttribute("client.msp")
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"contact{n}@client.test")
    is_decision_maker = True


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessObjective

    client = factory.SubFactory(ClientFactory)
    msp = factory.SelfAttribute("client.msp")
    title = "Open a second office"


class AssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Asset

    client = factory.SubFactory(ClientFactory)
    msp = factory.SelfAttribute("client.msp")
    kind = "server"
    name = factory.Sequence(lambda n: f"SRV-{n:03d}")
    serial = factory.Sequence(lambda n: f"SN{n:06d}")


class ClientAccessFactory(factory.django.DjangoModelFactory):
    """An accepted portal access; pass `user` (a client-role member of the same MSP)."""

    class Meta:
        model = ClientAccess

    contact = factory.SubFactory(ContactFactory)
    client = factory.SelfAttribute("contact.client")
    msp = factory.SelfAttribute("contact.msp")
    email = factory.SelfAttribute("contact.email")
    token_hash = factory.Sequence(lambda n: hash_secret(f"access-{n}"))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=14))
    accepted_at = factory.LazyFunction(timezone.now)


# --- standards and alignment --------------------------------------------------------------------------


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    msp = factory.SubFactory(MspFactory)
    name = factory.Sequence(lambda n: f"Category {n}")
    position = factory.Sequence(lambda n: n)


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Framework

    msp = factory.SubFactory(MspFactory)
    code = factory.Sequence(lambda n: f"FW{n}")
    name = factory.Sequence(lambda n: f"Framework {n}")


class StandardFactory(factory.django.DjangoModelFactory):
    """A standard with its first revision (as the services create them)."""

    class Meta:
        model = Standard
        skip_postgeneration_save = True

    category = factory.SubFactory(CategoryFactory)
    msp = factory.SelfAttribute("category.msp")
    name = factory.Sequence(lambda n: f"Standard {n}")
    question = factory.Sequence(lambda n: f"Is control number {n} in place?")
    why = "Without it the business is exposed."
    how = "Look at the console."
    priority = "medium"
    frequency = "yearly"

    @factory.post_generation
    def _revision(obj, create, extracted, **kwargs):
        if create:
            StandardRevision.objects.create(msp=obj.msp, standard=obj, number=obj.revision, question=obj.question,
                                            why=obj.why, how=obj.how, reference_url=obj.reference_url)
