"""The one controlled list of themes, from DESIGN.md. Slugs are stored; labels are shown."""

THEMES: dict[str, str] = {
    "integration": "Integration",
    "employment": "Employment",
    "education": "Education",
    "health": "Health",
    "housing": "Housing",
    "transport": "Transport",
    "social-services": "Social services",
    "human-security": "Human security",
    "intercultural-dialogue": "Intercultural dialogue",
    "public-perception": "Public perception and the media",
    "labour-exploitation": "Labour exploitation",
    "migrant-entrepreneurship": "Migrant entrepreneurship",
}
