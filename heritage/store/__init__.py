"""Storage: the only package that imports SQLAlchemy. One repository module per aggregate."""
