"""The public knowledge base: server-rendered pages, feeds, sitemap and search (docs/public.md)."""
