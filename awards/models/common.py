"""What the models of the app share."""

from django.db.models import Q

YEAR_RANGE = Q(year__gte=1990) & Q(year__lte=2100)
