"""External links: checking http(s) URLs safely and politely, and the link cache."""
