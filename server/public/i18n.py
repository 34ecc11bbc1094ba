"""The public pages' own words (the chrome) in English, French and Spanish; content keeps its language."""

from __future__ import annotations

from server.themes import THEMES

LANGUAGES = ("en", "fr", "es")

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "site": "Citybridge knowledge base",
        "home": "Knowledge base",
        "intro": "Practices that cities of the network have tried, reviewed and published for anyone to read.",
        "latest": "Latest practices",
        "by_theme": "By theme",
        "by_city": "By city",
        "search": "Search",
        "search_label": "Search published practices",
        "results": "Results for “{q}”",
        "nothing": "Nothing published here yet.",
        "no_results": "No published practice matches.",
        "city": "City",
        "themes": "Themes",
        "gcm": "Global Compact for Migration objectives",
        "objective": "Objective {n}",
        "licence": "Licence",
        "adapted_from": "Adapted from",
        "adapted_by": "Adapted by",
        "ask": "Ask this city",
        "ask_text": "Members of the network can ask {city} about this practice.",
        "sign_in": "Sign in or request an invitation",
        "by": "Written by {name}",
        "official_of": "Written by an official of {city}",
        "official": "Written by an official of the network",
        "published": "Published {date}",
        "feed": "Atom feed",
        "language": "Language",
        "not_found": "There is no such page.",
        "gone": "This page was withdrawn by its publishers.",
        "too_many": "Too many requests; try again in a minute.",
        "attachments": "Documents",
        "also_in": "Also in:",
        "skip": "Skip to content",
        "purpose": "Purpose",
        "context": "Context",
        "process": "How it works",
        "partners": "Partners",
        "responsible_office": "Responsible office",
        "budget": "Budget",
        "results_section": "Results",
        "evidence": "Evidence",
        "transfer_conditions": "Conditions for transfer",
        "lessons_learned": "Lessons learned",
        "about": "About",
        "collections_and_threads": "Collections and discussions",
        "collection": "Collection",
        "thread": "Discussion",
        "practice": "Practice",
        "kind": "Kind",
        "cities": "Cities",
        "refine": "Refine the results",
        "by_language": "By language",
        "in_language": "Practices in “{code}”",
        "started_by": "Started by {name}",
        "thread_note": (
            "A discussion of the network, published read-only. "
            "Only the messages of people who agreed to appear on public pages are shown."
        ),
        "join": "Take part",
        "join_text": "Officials of the network's cities discuss in Citybridge.",
        "sign_in_short": "Sign in",
    },
    "fr": {
        "site": "Base de connaissances Citybridge",
        "home": "Base de connaissances",
        "intro": "Des pratiques que les villes du réseau ont essayées, relues et publiées pour tous.",
        "latest": "Dernières pratiques",
        "by_theme": "Par thème",
        "by_city": "Par ville",
        "search": "Rechercher",
        "search_label": "Rechercher dans les pratiques publiées",
        "results": "Résultats pour « {q} »",
        "nothing": "Rien n’est encore publié ici.",
        "no_results": "Aucune pratique publiée ne correspond.",
        "city": "Ville",
        "themes": "Thèmes",
        "gcm": "Objectifs du Pacte mondial sur les migrations",
        "objective": "Objectif {n}",
        "licence": "Licence",
        "adapted_from": "Adaptée de",
        "adapted_by": "Adaptée par",
        "ask": "Interroger cette ville",
        "ask_text": "Les membres du réseau peuvent interroger {city} sur cette pratique.",
        "sign_in": "Se connecter ou demander une invitation",
        "by": "Rédigée par {name}",
        "official_of": "Rédigée par un·e agent·e de {city}",
        "official": "Rédigée par un·e agent·e du réseau",
        "published": "Publiée le {date}",
        "feed": "Flux Atom",
        "language": "Langue",
        "not_found": "Cette page n’existe pas.",
        "gone": "Cette page a été retirée par ses éditeurs.",
        "too_many": "Trop de requêtes ; réessayez dans une minute.",
        "attachments": "Documents",
        "also_in": "Aussi en :",
        "skip": "Aller au contenu",
        "purpose": "Objectif",
        "context": "Contexte",
        "process": "Fonctionnement",
        "partners": "Partenaires",
        "responsible_office": "Service responsable",
        "budget": "Budget",
        "results_section": "Résultats",
        "evidence": "Éléments de preuve",
        "transfer_conditions": "Conditions de transfert",
        "lessons_learned": "Enseignements",
        "about": "À propos",
        "collections_and_threads": "Collections et discussions",
        "collection": "Collection",
        "thread": "Discussion",
        "practice": "Pratique",
        "kind": "Type",
        "cities": "Villes",
        "refine": "Affiner les résultats",
        "by_language": "Par langue",
        "in_language": "Pratiques en « {code} »",
        "started_by": "Ouverte par {name}",
        "thread_note": (
            "Une discussion du réseau, publiée en lecture seule. "
            "Seuls les messages des personnes qui ont accepté de figurer sur les pages publiques sont montrés."
        ),
        "join": "Participer",
        "join_text": "Les agent·es des villes du réseau discutent dans Citybridge.",
        "sign_in_short": "Se connecter",
    },
    "es": {
        "site": "Base de conocimiento de Citybridge",
        "home": "Base de conocimiento",
        "intro": "Prácticas que las ciudades de la red han probado, revisado y publicado para cualquiera.",
        "latest": "Últimas prácticas",
        "by_theme": "Por tema",
        "by_city": "Por ciudad",
        "search": "Buscar",
        "search_label": "Buscar en las prácticas publicadas",
        "results": "Resultados para «{q}»",
        "nothing": "Todavía no hay nada publicado aquí.",
        "no_results": "Ninguna práctica publicada coincide.",
        "city": "Ciudad",
        "themes": "Temas",
        "gcm": "Objetivos del Pacto Mundial para la Migración",
        "objective": "Objetivo {n}",
        "licence": "Licencia",
        "adapted_from": "Adaptada de",
        "adapted_by": "Adaptada por",
        "ask": "Preguntar a esta ciudad",
        "ask_text": "Los miembros de la red pueden preguntar a {city} sobre esta práctica.",
        "sign_in": "Iniciar sesión o pedir una invitación",
        "by": "Escrita por {name}",
        "official_of": "Escrita por un funcionario de {city}",
        "official": "Escrita por un funcionario de la red",
        "published": "Publicada el {date}",
        "feed": "Canal Atom",
        "language": "Idioma",
        "not_found": "Esta página no existe.",
        "gone": "Sus editores retiraron esta página.",
        "too_many": "Demasiadas solicitudes; inténtelo de nuevo en un minuto.",
        "attachments": "Documentos",
        "also_in": "También en:",
        "skip": "Saltar al contenido",
        "purpose": "Propósito",
        "context": "Contexto",
        "process": "Cómo funciona",
        "partners": "Socios",
        "responsible_office": "Oficina responsable",
        "budget": "Presupuesto",
        "results_section": "Resultados",
        "evidence": "Evidencia",
        "transfer_conditions": "Condiciones de transferencia",
        "lessons_learned": "Lecciones aprendidas",
        "about": "Acerca de",
        "collections_and_threads": "Colecciones y debates",
        "collection": "Colección",
        "thread": "Debate",
        "practice": "Práctica",
        "kind": "Tipo",
        "cities": "Ciudades",
        "refine": "Refinar los resultados",
        "by_language": "Por idioma",
        "in_language": "Prácticas en «{code}»",
        "started_by": "Iniciado por {name}",
        "thread_note": (
            "Un debate de la red, publicado en solo lectura. "
            "Solo se muestran los mensajes de quienes aceptaron aparecer en páginas públicas."
        ),
        "join": "Participar",
        "join_text": "Los funcionarios de las ciudades de la red debaten en Citybridge.",
        "sign_in_short": "Iniciar sesión",
    },
}


# The controlled themes in the pages' languages, the same words as the browser app's `theme.*`
# (frontend/i18n); English is server/themes.py itself.
# A practice's own language, named in itself ("Also in: Français, Español"); other codes show as they are.
ENDONYMS = {
    "ar": "العربية",
    "de": "Deutsch",
    "el": "Ελληνικά",
    "en": "English",
    "es": "Español",
    "fa": "فارسی",
    "fr": "Français",
    "it": "Italiano",
    "km": "ខ្មែរ",
    "nl": "Nederlands",
    "pl": "Polski",
    "pt": "Português",
    "ro": "Română",
    "ru": "Русский",
    "sw": "Kiswahili",
    "th": "ไทย",
    "tr": "Türkçe",
    "uk": "Українська",
    "vi": "Tiếng Việt",
    "zh": "中文",
}

THEME_LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "integration": "Intégration",
        "employment": "Emploi",
        "education": "Éducation",
        "health": "Santé",
        "housing": "Logement",
        "transport": "Transports",
        "social-services": "Services sociaux",
        "human-security": "Sécurité humaine",
        "intercultural-dialogue": "Dialogue interculturel",
        "public-perception": "Perception publique et médias",
        "labour-exploitation": "Exploitation au travail",
        "migrant-entrepreneurship": "Entrepreneuriat des migrants",
    },
    "es": {
        "integration": "Integración",
        "employment": "Empleo",
        "education": "Educación",
        "health": "Salud",
        "housing": "Vivienda",
        "transport": "Transporte",
        "social-services": "Servicios sociales",
        "human-security": "Seguridad humana",
        "intercultural-dialogue": "Diálogo intercultural",
        "public-perception": "Percepción pública y medios",
        "labour-exploitation": "Explotación laboral",
        "migrant-entrepreneurship": "Emprendimiento migrante",
    },
}


def theme_labels(lang: str) -> dict[str, str]:
    """Every theme slug with its label in `lang` (English where a translation is missing)."""
    return {slug: THEME_LABELS.get(lang, {}).get(slug, label) for slug, label in THEMES.items()}


def choose(query_lang: str | None, accept_language: str) -> str:
    """`?lang=` if it names one of ours, else the best of Accept-Language, else English."""
    if query_lang in LANGUAGES:
        return query_lang
    ranked = []
    for position, part in enumerate(accept_language.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, position, tag.strip().lower()[:2]))
    for quality, _, tag in sorted(ranked):
        if quality < 0 and tag in LANGUAGES:
            return tag
    return "en"


def translator(lang: str):
    texts = TEXTS[lang]

    def t(key: str, **values: str) -> str:
        return texts.get(key, TEXTS["en"].get(key, key)).format(**values)

    return t
