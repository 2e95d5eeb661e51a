"""Read the forms of a page as a browser would submit them (standard library
only: the load test's simulated users fill in the real forms, CSRF token and
all, without a browser)."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

# Inputs a browser never submits by themselves.
_NOT_SUBMITTED = {"submit", "button", "reset", "image", "file"}


@dataclass
class Form:
    action: str = ""
    method: str = "get"
    fields: list[tuple[str, str]] = field(default_factory=list)
    # The values offered by each <select>, in order.
    options: dict[str, list[str]] = field(default_factory=dict)

    def data(self, **changes) -> dict[str, str]:
        """The values to post (a later field of the same name wins), changed."""
        values = dict(self.fields)
        values.update(changes)
        return values

    def names(self) -> set[str]:
        return {name for name, _value in self.fields} | set(self.options)


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.in_template = 0
        self.select: str | None = None
        self.chosen: str | None = None
        self.option: dict | None = None
        self.textarea: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = {name: (value if value is not None else "") for name, value in attrs}
        if tag == "template":
            self.in_template += 1
        if self.in_template:
            return
        if tag == "form":
            self.form = Form(
                action=attrs.get("action", ""),
                method=(attrs.get("method") or "get").lower(),
            )
            self.forms.append(self.form)
            return
        if self.form is None or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in _NOT_SUBMITTED:
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.form.fields.append((name, attrs.get("value") or "on"))
                return
            self.form.fields.append((name, attrs.get("value", "")))
        elif tag == "select" and name:
            self.select, self.chosen = name, None
            self.form.options[name] = []
        elif tag == "option" and self.select:
            self._end_option()
            self.option = {"value": attrs.get("value"), "selected": "selected" in attrs}
            self.text = []
        elif tag == "textarea" and name:
            self.textarea, self.text = name, []

    def handle_data(self, data):
        if self.option is not None or self.textarea is not None:
            self.text.append(data)

    def _end_option(self):
        if self.option is None:
            return
        value = self.option["value"]
        if value is None:  # an <option> without a value submits its text
            value = "".join(self.text).strip()
        self.form.options[self.select].append(value)
        # The selected option, else the first, as a browser submits.
        if self.option["selected"] or self.chosen is None:
            self.chosen = value
        self.option = None

    def handle_endtag(self, tag):
        if tag == "template":
            self.in_template = max(self.in_template - 1, 0)
            return
        if self.in_template or self.form is None:
            return
        if tag == "option":
            self._end_option()
        elif tag == "select" and self.select:
            self._end_option()
            if self.chosen is not None:
                self.form.fields.append((self.select, self.chosen))
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            # Browsers drop the newline that follows <textarea>.
            text = "".join(self.text).removeprefix("\n")
            self.form.fields.append((self.textarea, text))
            self.textarea = None
        elif tag == "form":
            self.form = None


def forms_in(html: str) -> list[Form]:
    """Every form of the page (rows inside <template> left out)."""
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def find_form(html: str, *, field: str | None = None, action: str | None = None):
    """The first form with this field and whose action ends with `action`."""
    for form in forms_in(html):
        if field is not None and field not in form.names():
            continue
        if action is not None and not form.action.endswith(action):
            continue
        return form
    return None


def csrf_token(html: str) -> str | None:
    """The CSRF token of the first form that carries one."""
    for form in forms_in(html):
        token = dict(form.fields).get("csrfmiddlewaretoken")
        if token:
            return token
    return None
