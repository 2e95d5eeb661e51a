"""Helpers for views whose POST runs one service step and goes back to a page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect


def flash_errors(request, error: ValidationError) -> None:
    """Show each message of a refusal at the top of the next page."""
    for message in error.messages:
        messages.error(request, message)


def run_step(request, obj, call, success: str):
    """Run `call(obj)`; say what happened; go back to the object's page."""
    try:
        call(obj)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, success)
    return redirect(obj)
