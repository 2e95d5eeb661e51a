"""Keep the requests' copies of their units' tree paths in step with the tree."""

from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.dispatch import receiver

from initiatives.models import Initiative
from units.signals import subtree_moved


@receiver(subtree_moved, dispatch_uid="initiatives-follow-moved-units")
def follow_moved_units(sender, old_path: str, new_path: str, **kwargs) -> None:
    for column in ("unit_path", "recognizing_path"):
        Initiative.objects.filter(**{f"{column}__startswith": old_path}).update(
            **{column: Concat(Value(new_path), Substr(column, len(old_path) + 1))}
        )
