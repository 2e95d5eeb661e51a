"""What of the Gold Books the audit log follows."""

from audit.log import track
from goldbook.models import Annotation, GoldBook, GoldBookEntry

track(GoldBook, unit="unit")
track(GoldBookEntry, unit="book__unit")
track(Annotation, unit="entry__book__unit")
