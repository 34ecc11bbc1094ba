"""The public pages' Jinja2 templates and what every page is rendered with."""

from __future__ import annotations

import json
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from server.public.http import Reader
from server.public.i18n import LANGUAGES, theme_labels

HERE = Path(__file__).parent
TEMPLATES = Environment(
    loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True), auto_reload=False
)
LICENCES = {
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC-BY-SA-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC-BY-NC-4.0": "https://creativecommons.org/licenses/by-nc/4.0/",
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
}


def render(r: Reader, template: str, path: str, **values) -> str:
    settings = r.request.app.state.settings
    return TEMPLATES.get_template(template).render(
        lang=r.lang,
        lang_param=r.lang_param,
        languages=LANGUAGES,
        q=f"?lang={r.lang}" if r.lang_param else "",
        t=r.t,
        origin=r.origin,
        canonical=r.origin + path,
        theme_labels=theme_labels(r.lang),
        platform=settings.public_platform_name or r.t("site"),
        logo=settings.public_logo_url,
        robots_noindex=settings.public_robots == "noindex",
        **values,
    )


def jsonld(data: dict) -> str:
    # "</" must not close the script element the JSON sits in.
    return json.dumps({k: v for k, v in data.items() if v is not None}, ensure_ascii=False).replace("</", "<\\/")
