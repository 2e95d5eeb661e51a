"""Factories for test data. Units are made through the service, so that their
tree paths and name history are as the application makes them."""

import factory

from units import services
from units.models import Membership, Role, Unit, User

PASSWORD = "Test-password-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"nguoi{n}")
    full_name = factory.Faker("name", locale="vi_VN")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.vn")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


def make_unit(
    parent: Unit | None, kind: str, code: str, name: str | None = None, **extra
):
    return services.unit_create(
        parent=parent,
        kind=kind,
        code=code,
        name=name or f"Đơn vị {code}",
        actor=None,
        **extra,
    )


def grant(user: User, unit: Unit, role: str = Role.MEMBER, **extra) -> Membership:
    return Membership.objects.create(user=user, unit=unit, role=role, **extra)
