"""The small shared kit every domain builds on: types, errors, pagination, dependencies."""
