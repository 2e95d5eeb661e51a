"""The audit log: who did what to which record, when, and from where."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    CREATED = "created", _("created")
    CHANGED = "changed", _("changed")
    DELETED = "deleted", _("deleted")
    VOTED = "voted", _("voted")
    ISSUED = "issued", _("document issued")
    IMPORTED = "imported", _("import applied")
    ROLE_GRANTED = "role_granted", _("role granted")
    ROLE_ENDED = "role_ended", _("role ended")
    SIGNED_IN = "signed_in", _("signed in")
    SIGNED_OUT = "signed_out", _("signed out")
    SIGN_IN_FAILED = "sign_in_failed", _("sign-in failed")
    LOCKED_OUT = "locked_out", _("locked out")


class AuditEntry(models.Model):
    """One thing that happened. Entries are only ever added, never changed, except
    that a vote's choice is unsealed when its session closes."""

    at = models.DateTimeField(_("when"), db_index=True)
    # No database constraint and nothing done on delete: an entry outlives the
    # person and the unit it names (and a deleted record's unit).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    # Kept as written at the time, so the entry still reads after a rename.
    actor_name = models.CharField(_("who"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    # The record: its model ("initiatives.initiative"), key and description.
    target_type = models.CharField(_("record type"), max_length=60, blank=True)
    target_id = models.CharField(_("record no."), max_length=40, blank=True)
    target_repr = models.CharField(_("record"), max_length=255, blank=True)
    # The unit the record belongs to: unit administrators see their subtree.
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
    )
    ip = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=255, blank=True)
    # {"field": [before, after]} for changes, {"field": value} for a new record.
    changes = models.JSONField(_("what"), default=dict, blank=True)
    # A sealed entry hides its values until the seal is lifted: a vote's choice
    # stays hidden until its session closes ("initiatives.session:12").
    seal = models.CharField(max_length=60, blank=True, db_index=True)
    # Folded text of who and what, for the search box.
    search_text = models.CharField(max_length=500, default="", editable=False)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-id"]
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
            models.Index(fields=["actor", "-id"], name="audit_actor"),
            models.Index(fields=["unit", "-id"], name="audit_unit"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"

    @property
    def sealed(self) -> bool:
        return bool(self.seal)
