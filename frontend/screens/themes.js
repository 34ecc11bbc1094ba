// The controlled list of themes (server/themes.py); labels live in the i18n files.
export const THEMES = [
  "integration", "employment", "education", "health", "housing", "transport", "social-services",
  "human-security", "intercultural-dialogue", "public-perception", "labour-exploitation", "migrant-entrepreneurship",
];
