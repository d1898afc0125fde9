"""What a browser would submit from a page's POST form: read from the rendered HTML, so a test
posts the page's real body (with its fresh version fields and CSRF token), not a guess."""

from html.parser import HTMLParser

from django.test import Client


class _PostForms(HTMLParser):
    """Every ``<form method="post">`` of a page: its action and the fields it submits (text and
    hidden inputs, checked boxes and radios, the selected options — or a single select's first
    option —, textareas). Submit buttons are left out; add the one you press."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, dict[str, list[str]]]] = []
        self.options: dict[str, list[str]] = {}  # select name → its option values
        self._form: dict[str, list[str]] | None = None
        self._select: tuple[str, bool] | None = None  # name, multiple
        self._select_first: str | None = None
        self._select_chosen = False
        self._option: dict | None = None
        self._option_text = ""
        self._textarea: str | None = None
        self._textarea_text = ""

    def _add(self, name: str, value: str) -> None:
        assert self._form is not None
        self._form.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):  # noqa: ANN001, ANN201
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self._form = {}
            self.forms.append((attrs.get("action") or "", self._form))
        if self._form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self._add(name, attrs.get("value") or ("on" if kind == "checkbox" else ""))
        elif tag == "select" and name and "disabled" not in attrs:
            self._select = (name, "multiple" in attrs)
            self._select_first, self._select_chosen = None, False
        elif tag == "option" and self._select:
            self._option, self._option_text = attrs, ""
        elif tag == "textarea" and name and "disabled" not in attrs:
            self._textarea, self._textarea_text = name, ""

    def handle_data(self, data):  # noqa: ANN001, ANN201
        if self._option is not None:
            self._option_text += data
        if self._textarea is not None:
            self._textarea_text += data

    def _close_option(self) -> None:
        if self._option is None or self._select is None:
            return
        value = self._option.get("value")
        value = self._option_text.strip() if value is None else value
        if self._select_first is None:
            self._select_first = value
        self.options.setdefault(self._select[0], []).append(value)
        if "selected" in self._option:
            self._add(self._select[0], value)
            self._select_chosen = True
        self._option = None

    def handle_endtag(self, tag):  # noqa: ANN001, ANN201
        if tag == "option":
            self._close_option()
        elif tag == "select" and self._select:
            self._close_option()
            name, multiple = self._select
            if not self._select_chosen and not multiple and self._select_first is not None:
                self._add(name, self._select_first)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops the newline right after <textarea>.
            self._add(self._textarea, self._textarea_text.removeprefix("\n"))
            self._textarea = None
        elif tag == "form":
            self._form = None


def post_forms(html: str) -> list[tuple[str, dict[str, list[str]]]]:
    """(action, fields) of every POST form of ``html``, in page order."""
    reader = _PostForms()
    reader.feed(html)
    return reader.forms


def page_post_body(
    client: Client, url: str, *, has: str = "", choose: tuple[str, ...] = ()
) -> dict[str, list[str]]:
    """The fields of the POST form of ``url`` that posts back to the page (or has field ``has``)
    as ``client`` sees it now; the selects named in ``choose`` set to their first non-blank
    option (as a person picking one would). Fails when the page has no such form."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    reader = _PostForms()
    reader.feed(response.content.decode())
    candidates = [
        fields
        for action, fields in reader.forms
        if (has and has in fields) or (not has and action in ("", url))
    ]
    assert candidates, f"{url}: no POST form{f' with {has}' if has else ''} on the page"
    body = {name: list(values) for name, values in candidates[0].items()}
    for name in choose:
        picked = [value for value in reader.options.get(name, []) if value]
        assert picked, f"{url}: no option to choose in select {name}"
        body[name] = picked[:1]
    return body
