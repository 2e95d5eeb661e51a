"""Every write of the initiatives app. Requests: `requests`; ideas: `ideas`;
councils and sessions: `councils`, `sessions`."""

from initiatives.services.ideas import (  # noqa: F401
    idea_close,
    idea_comment,
    idea_create,
    idea_to_request,
)
from initiatives.services.requests import (  # noqa: F401
    HUNDRED,
    REGISTRATION_FIELDS,
    REQUEST_FIELDS,
    AuthorData,
    attachment_add,
    attachment_remove,
    check_authors,
    completeness,
    initiative_accept,
    initiative_create,
    initiative_return,
    initiative_submit,
    initiative_update,
    initiative_withdraw,
    missing_for_submission,
    registration_create,
    registration_link,
    registration_update,
    registration_withdraw,
)
