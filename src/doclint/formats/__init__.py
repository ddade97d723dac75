"""Output formats, one module each: findings or coverage in, text out."""
